// Post dates as "Nov 26, 2026", in UTC so the server's render and the browser's hydration agree.
// Written out rather than Intl.DateTimeFormat: formatting was the costliest step of rendering a list
// of posts, and the output must not depend on which ICU data the server or the browser carries.
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

/** "Dec 2, 2026, 09:05 UTC": a moment people compare with their own clock, said in UTC for the same reason. */
export function formatDateTime(iso: string): string {
  const day = formatDate(iso);
  if (!day) return "";
  const date = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${day}, ${two(date.getUTCHours())}:${two(date.getUTCMinutes())} UTC`;
}
