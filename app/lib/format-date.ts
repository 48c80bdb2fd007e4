// One formatter for the app: toLocaleDateString builds a new one per call, which showed up as the
// costliest step of rendering a list of posts.
const dateFormat = new Intl.DateTimeFormat("en", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}
