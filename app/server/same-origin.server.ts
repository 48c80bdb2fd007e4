// React Router refuses cross-origin action POSTs for routes with a component, but not for resource
// routes (no default export, like /logout): those call this guard themselves, with the same rule.
import { data } from "react-router";

/** Throws a 400 when the request carries an Origin header naming another site. */
export function requireSameOrigin(request: Request) {
  const origin = request.headers.get("Origin");
  // No header: not a browser's cross-site form (browsers always send Origin on cross-site POSTs).
  if (origin === null) return;
  let sameOrigin = false;
  try {
    sameOrigin = origin !== "null" && new URL(origin).origin === new URL(request.url).origin;
  } catch {
    // An unparseable Origin is not ours.
  }
  if (!sameOrigin) throw data({ message: "This form was sent from another site." }, { status: 400 });
}
