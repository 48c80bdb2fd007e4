// Signing in with a passkey (docs/decisions/024): a resource route the login page's script calls,
// first for the options (the challenge waits in the session), then with the browser's answer.
import { data } from "react-router";
import type { Route } from "./+types/login.passkey";
import { passkeySignInSchema } from "#app/lib/passkey-schemas.ts";
import { parseForm } from "#app/lib/validation.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { refuseCrossOriginAction } from "#app/server/http/same-origin.server.ts";
import { requireAnonymous } from "#app/server/session/require-user.server.ts";
import { getSessionState } from "#app/server/session/session.server.ts";
import { answerPasskeySignIn } from "#app/server/sign-in/passkey-sign-in.server.ts";

export async function action({ request, context }: Route.ActionArgs) {
  refuseCrossOriginAction(request);
  requireAnonymous(context);
  const parsed = parseForm(passkeySignInSchema, await readForm(request));
  if (!parsed.ok) return data({ formError: Object.values(parsed.errors)[0] ?? null }, { status: 400 });
  return answerPasskeySignIn(getSessionState(context), parsed.data, clientIp(request));
}
