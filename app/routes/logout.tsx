import { Form, redirect } from "react-router";
import type { Route } from "./+types/logout";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { endDirectusSession } from "#app/server/sign-in/auth.server.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { optionalUser } from "#app/server/session/require-user.server.ts";
import { getSessionState, signOut } from "#app/server/session/session.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Log out" }];

export const LOGGED_OUT_MESSAGE = "You have been logged out";

// Logging out changes state, so a GET only asks; the button POSTs. Being a page (not a resource
// route) also puts this action under React Router's own cross-origin check.
export function loader({ context }: Route.LoaderArgs) {
  if (!optionalUser(context)) throw redirect("/login");
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  await readForm(request);
  const state = getSessionState(context);
  const tokens = state.session.get("tokens");
  // The local session ends even when Directus cannot be told.
  if (tokens) await endDirectusSession(tokens.accessToken, clientIp(request));
  signOut(state, LOGGED_OUT_MESSAGE);
  return redirect("/login");
}

export default function LogOut() {
  return (
    <section className="card" aria-labelledby="logout-title">
      <h1 id="logout-title">Log out?</h1>
      <Form method="post">
        <SubmitButton pendingLabel="Logging out…">Log out</SubmitButton>
      </Form>
    </section>
  );
}
