import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/confirm-email";
import { LinkProblemNotice } from "#app/components/link-problem.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { confirmEmailChange } from "#app/server/account/account-changes.server.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { failureMessage, failureStatus } from "#app/server/directus/failure-messages.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { linkProblemStatus, linkTokenProblem, readLinkToken } from "#app/server/account/link-token.server.ts";
import { getSessionState, signOut, flash } from "#app/server/session/session.server.ts";
import { beginStep } from "#app/server/session/steps.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Confirm your new email address" }];

const confirmedMessage = (email: string) => `Your email address is now ${email}. Log in with it: every session of your account has ended.`;

// /confirm-email?token=… is the link mailed to a new address. Opening it changes nothing (mail
// scanners open links too); the button posts the token, and only that confirms.
export function loader({ request }: Route.LoaderArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const problem = linkTokenProblem(token, "email-change");
  if (problem) return data({ token: null, email: null, problem }, { status: linkProblemStatus(problem) });
  return { token, email: readLinkToken(token)!.email, problem: null };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await readForm(request);
  const token = String(form.get("token") ?? "");
  const problem = linkTokenProblem(token, "email-change");
  if (problem) return data({ problem }, { status: linkProblemStatus(problem) });
  const result = await confirmEmailChange(token, clientIp(request));
  if (!result.ok) {
    if ("failure" in result) throw data({ message: failureMessage(result.failure) }, { status: failureStatus(result.failure) });
    return data({ problem: result.problem }, { status: result.problem === "taken" ? 409 : linkProblemStatus(result.problem) });
  }
  const state = getSessionState(context);
  // Directus has ended every session of the account; a browser signed in to another one stays so.
  if (state.session.get("user")?.id === result.userId) signOut(state, confirmedMessage(result.email));
  else flash(state, confirmedMessage(result.email));
  if (state.session.get("user")) throw redirect("/profile");
  // The login form starts with the new address, as after confirming a registration.
  beginStep(state, { name: "email-verified", email: result.email });
  throw redirect("/login");
}

export default function ConfirmEmail({ loaderData, actionData }: Route.ComponentProps) {
  const problem = actionData?.problem ?? loaderData.problem;
  if (problem) {
    return (
      <section className="card" aria-labelledby="confirm-title">
        <LinkProblemNotice problem={problem} titleId="confirm-title" flow="email-change" />
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="confirm-title">
      <h1 id="confirm-title">Confirm your new email address</h1>
      <p>
        Your account will use <strong>{loaderData.email}</strong> from now on: you log in with it, and every session of your
        account ends, this one included.
      </p>
      <Form method="post">
        <input type="hidden" name="token" value={loaderData.token ?? ""} />
        <SubmitButton pendingLabel="Confirming…">Confirm the new address</SubmitButton>
      </Form>
    </section>
  );
}
