// A session's User-Agent as a person reads it: "Chrome 131 on Linux". A small parser of our own, for
// the browsers and systems most people use: no User-Agent parser is a dependency of this app (one
// exists only deep inside Directus's dependencies), and a name on a list needs no full database of
// devices. Anything it does not recognise is said to be unknown rather than guessed.

/** Only the start of the header is read: every token below appears well within it. */
export const DEVICE_UA_MAX = 512;

// Order matters: browsers built on Chrome also name Chrome (and Safari); Chrome names Safari.
const BROWSERS: Array<[name: string, pattern: RegExp]> = [
  ["Edge", /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ["Opera", /\bOPR\/(\d+)/],
  ["Samsung Internet", /\bSamsungBrowser\/(\d+)/],
  ["Firefox", /\b(?:Firefox|FxiOS)\/(\d+)/],
  ["Headless Chrome", /\bHeadlessChrome\/(\d+)/],
  ["Chrome", /\b(?:Chrome|CriOS)\/(\d+)/],
  ["Safari", /\bVersion\/(\d+)[\d.]*(?: Mobile\/\w+)? Safari\//],
];

// iOS before macOS: an iPhone says "like Mac OS X"; Android and ChromeOS before Linux.
const SYSTEMS: Array<[name: string, pattern: RegExp]> = [
  ["Windows", /\bWindows NT\b/],
  ["iOS", /\b(?:iPhone|iPad|iPod)\b/],
  ["Android", /\bAndroid\b/],
  ["ChromeOS", /\bCrOS\b/],
  ["macOS", /\b(?:Macintosh|Mac OS X)\b/],
  ["Linux", /\bLinux\b/],
];

export function describeDevice(userAgent: string | null | undefined): string {
  const text = (userAgent ?? "").slice(0, DEVICE_UA_MAX);
  let browser: string | null = null;
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(text);
    if (match) {
      browser = `${name} ${match[1]}`;
      break;
    }
  }
  const system = SYSTEMS.find(([, pattern]) => pattern.test(text))?.[0] ?? null;
  if (!browser) return system ? `Unknown browser on ${system}` : "Unknown browser";
  return system ? `${browser} on ${system}` : browser;
}
