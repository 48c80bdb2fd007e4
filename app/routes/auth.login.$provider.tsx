// Starts a sign-in through an identity provider: a POST from the "Continue with …" buttons.
import { redirect } from "react-router";
import type { Route } from "./+types/auth.login.$provider";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { requireAnonymous } from "#app/server/session/require-user.server.ts";
import { getSessionState } from "#app/server/session/session.server.ts";
import { findProvider, startProviderSignIn } from "#app/server/sign-in/identity-provider.server.ts";

// A GET starts nothing: a link from another site must not begin a sign-in in this browser.
export function loader() {
  return redirect("/login");
}

export async function action({ request, params, context }: Route.ActionArgs) {
  requireAnonymous(context);
  const provider = findProvider(params.provider);
  if (!provider) throw new Response("Not Found", { status: 404 });
  const form = await readForm(request);
  const redirectTo = String(form.get("redirectTo") ?? "");
  return startProviderSignIn(getSessionState(context), provider, { redirectTo, clientIp: clientIp(request) });
}
