// React Router refuses a cross-origin POST to a page's action (document or .data request) but not to
// a resource route's, which it hands the request as it came. Resource routes that act call this, so
// every action of the app refuses a forged cross-site form alike: the same test as React Router's
// (the Origin header against the request's own origin, or an origin ALLOWED_ACTION_ORIGINS names),
// answered as it answers: 400 "Bad Request".
import { data } from "react-router";

declare const __ALLOWED_ACTION_ORIGINS__: string;
// Outside a Vite build (unit tests) nothing is defined: no extra origin.
const allowedOrigins = new Set((typeof __ALLOWED_ACTION_ORIGINS__ === "string" ? __ALLOWED_ACTION_ORIGINS__ : "").split(",").map((origin) => origin.trim()).filter(Boolean));

export function refuseCrossOriginAction(request: Request): void {
  const origin = request.headers.get("Origin");
  if (origin === null) return;
  let sent: URL | null = null;
  try {
    sent = origin === "null" ? null : new URL(origin);
  } catch {
    sent = null;
  }
  if (sent && sent.origin === new URL(request.url).origin) return;
  // Exact hosts only (React Router also takes wildcard patterns there): a pattern refuses, never admits.
  if (sent && allowedOrigins.has(sent.host)) return;
  throw data("Bad Request", { status: 400 });
}
