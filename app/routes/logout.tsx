import { redirect } from "react-router";
import type { Route } from "./+types/logout";
import { revokeRefreshToken } from "#app/server/auth.server.ts";
import { readForm } from "#app/server/form.server.ts";
import { requireSameOrigin } from "#app/server/same-origin.server.ts";
import { getSessionState, signOut } from "#app/server/session.server.ts";

export const LOGGED_OUT_MESSAGE = "You have been logged out";

// Logging out changes state, so it is POST only; a stray GET just goes home.
export function loader() {
  return redirect("/");
}

export async function action({ request, context }: Route.ActionArgs) {
  // A resource route: React Router's own cross-origin check does not cover it.
  requireSameOrigin(request);
  await readForm(request);
  const state = getSessionState(context);
  const tokens = state.session.get("tokens");
  // The local session ends even when Directus cannot be told.
  if (tokens) await revokeRefreshToken(tokens.refreshToken);
  signOut(state, LOGGED_OUT_MESSAGE);
  return redirect("/login");
}
