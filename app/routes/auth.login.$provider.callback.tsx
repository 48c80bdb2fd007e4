// Where the identity provider sends the person back (the callback URL registered at the provider):
// a sign-in, or a signed-in person's "confirm it's you" (docs/decisions/023).
import type { Route } from "./+types/auth.login.$provider.callback";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { requireAnonymous } from "#app/server/session/require-user.server.ts";
import { getSessionState } from "#app/server/session/session.server.ts";
import { confirmingAtProvider, findProvider, finishProviderSignIn } from "#app/server/sign-in/identity-provider.server.ts";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  if (!confirmingAtProvider(getSessionState(context))) requireAnonymous(context);
  const provider = findProvider(params.provider);
  if (!provider) throw new Response("Not Found", { status: 404 });
  return finishProviderSignIn(getSessionState(context), provider, new URL(request.url), clientIp(request));
}
