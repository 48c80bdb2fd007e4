import { data, Form, Link, redirect } from "react-router";
import type { Route } from "./+types/login.unlock";
import { EmailField, FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { limits } from "#app/lib/limits.ts";
import { parseForm, unlockRequestSchema, unlockSchema } from "#app/lib/validation.ts";
import type { LinkProblem } from "#app/server/account/link-token.server.ts";
import { linkProblemStatus } from "#app/server/account/link-token.server.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { failureMessage, failureStatus } from "#app/server/directus/failure-messages.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { flash, getSessionState } from "#app/server/session/session.server.ts";
import { sendUnlockLink, unlockBrowser } from "#app/server/sign-in/unlock-link.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Unlock this browser" }];

export const UNLOCKED_MESSAGE = "This browser is unlocked for your account: log in with your password.";

// /login/unlock?token=… is the link mailed to a paused account's address. Opening it changes nothing
// (mail scanners open links too) and shows nothing from the token; the button posts it, and only that
// unlocks the browser.
// Without a token, the page asks for the address to mail a link to.
export function loader({ request }: Route.LoaderArgs) {
  const token = new URL(request.url).searchParams.get("token");
  if (token === null) return { token: null, problem: null };
  if (!unlockSchema.safeParse({ token }).success) return data({ token: null, problem: "invalid" as LinkProblem }, { status: 400 });
  return { token, problem: null };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await readForm(request);
  const ip = clientIp(request);
  if (form.get("intent") === "send") {
    const email = String(form.get("email") ?? "").slice(0, limits.emailMax);
    const attempt = crypto.randomUUID();
    const parsed = parseForm(unlockRequestSchema, form);
    if (!parsed.ok) return data({ sent: null, attempt, email, errors: parsed.errors, formError: null, problem: null }, { status: 400 });
    const result = await sendUnlockLink(parsed.data.email, ip);
    if (!result.ok) {
      return data({ sent: null, attempt, email, errors: {}, formError: failureMessage(result.failure), problem: null }, { status: failureStatus(result.failure) });
    }
    return { sent: result.paused, attempt, email: parsed.data.email, errors: {}, formError: null, problem: null };
  }
  const parsed = parseForm(unlockSchema, form);
  if (!parsed.ok) return data({ sent: null, problem: "invalid" as LinkProblem }, { status: 400 });
  const state = getSessionState(context);
  const result = await unlockBrowser(state, parsed.data.token, ip);
  if (!result.ok) {
    if ("failure" in result) throw data({ message: failureMessage(result.failure) }, { status: failureStatus(result.failure) });
    return data({ sent: null, problem: result.problem }, { status: linkProblemStatus(result.problem) });
  }
  flash(state, UNLOCKED_MESSAGE);
  throw redirect("/login");
}

const problems: Record<LinkProblem, { title: string; text: string }> = {
  invalid: { title: "This link does not work", text: "Check that you opened the whole link from the email, not part of it." },
  expired: { title: "This link has expired", text: "Unlock links work for 15 minutes. Ask for a new one from the login page." },
  used: { title: "This link has already been used", text: "An unlock link works once, in the browser that used it. Ask for a new one from the login page." },
};

export default function Unlock({ loaderData, actionData }: Route.ComponentProps) {
  const problem = (actionData && "problem" in actionData ? actionData.problem : null) ?? (actionData ? null : loaderData.problem);
  if (actionData && "sent" in actionData && actionData.sent !== null && actionData.sent !== undefined) {
    return (
      <section className="card" aria-labelledby="unlock-title">
        {actionData.sent ? (
          <>
            <h1 id="unlock-title">Check your email</h1>
            <p role="status">
              If <strong>{actionData.email}</strong> belongs to an account, we have sent it a link. Open it in this browser
              and press the button there; then log in here with your password.
            </p>
            <p className="muted">The link works once, for 15 minutes. Nothing there? Look in your spam folder, or ask again in a few minutes.</p>
          </>
        ) : (
          <>
            <h1 id="unlock-title">Nothing to unlock</h1>
            <p role="status">Logins with this address are not paused now: log in with your password.</p>
          </>
        )}
        <p>
          <Link to="/login">Back to log in</Link>
        </p>
      </section>
    );
  }
  if (!problem && (!loaderData.token || (actionData && "attempt" in actionData))) {
    const errors = (actionData && "errors" in actionData ? actionData.errors : {}) as Record<string, string | undefined>;
    const form = actionData && "attempt" in actionData ? actionData : null;
    return (
      <section className="card" aria-labelledby="unlock-title">
        <h1 id="unlock-title">Unlock this browser</h1>
        <p>While logins from new browsers are paused after many failed attempts, we can email your account's address a link that unlocks this browser.</p>
        <FormAlert message={form?.formError} fieldErrors={errors} />
        <Form method="post">
          <EmailField attempt={form?.attempt} email={form?.email} error={errors.email} />
          <SubmitButton intent="send" pendingLabel="Sending…">Email me a link to unlock this browser</SubmitButton>
        </Form>
      </section>
    );
  }
  if (problem) {
    const { title, text } = problems[problem];
    return (
      <section className="card" aria-labelledby="unlock-title">
        <h1 id="unlock-title">{title}</h1>
        <p role="alert">{text}</p>
        <p>
          <Link to="/login">Log in</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="unlock-title">
      <h1 id="unlock-title">Unlock this browser</h1>
      <p>
        Pressing the button lets this browser log in to your account while logins from new browsers are paused. It signs you
        in to nothing by itself: you log in with your password next.
      </p>
      <Form method="post">
        <input type="hidden" name="token" value={loaderData.token ?? ""} />
        <SubmitButton intent="unlock" pendingLabel="Unlocking…">Unlock this browser</SubmitButton>
      </Form>
    </section>
  );
}
