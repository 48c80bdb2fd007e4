import { Form, Link, useSearchParams } from "react-router";
import type { Route } from "./+types/confirm-email";
import { LinkProblemNotice } from "#app/components/link-problem.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import type { EmailChangeProblem } from "#app/server/account/account-changes.server.ts";
import { answerEmailChangeLink, emailChangeLinkView } from "#app/server/account/email-change-link.server.ts";
import type { LinkProblem } from "#app/server/account/link-token.server.ts";
import { clientIp } from "#app/server/http/client-ip.server.ts";
import { readForm } from "#app/server/http/form.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Confirm your new email address" }];

// The links of an email change (docs/decisions/015, app/server/account/email-change-link.server.ts).
export function loader(args: Route.LoaderArgs) {
  return emailChangeLinkView(args);
}

export async function action(args: Route.ActionArgs) {
  const form = await readForm(args.request);
  return answerEmailChangeLink(args, form, clientIp(args.request));
}

export default function ConfirmEmail({ loaderData, actionData }: Route.ComponentProps) {
  const [searchParams] = useSearchParams();
  const view = actionData?.view ?? loaderData.view;
  const problem = (actionData?.problem ?? loaderData.problem) as EmailChangeProblem | LinkProblem | null;
  const title = <h1 id="confirm-title">{view === "cancel" || view === "cancelled" ? "Cancel the email change" : "Confirm your new email address"}</h1>;
  const card = (children: React.ReactNode) => (
    <section className="card" aria-labelledby="confirm-title">
      {children}
    </section>
  );

  if (view === "problem" && problem) return card(<LinkProblemNotice problem={problem} titleId="confirm-title" flow="email-change" />);
  if (view === "other-account") return card(<LinkProblemNotice problem="other-account" titleId="confirm-title" flow="email-change" />);
  if (view === "missing") {
    return card(
      <>
        <h1 id="confirm-title">Open the link from your email</h1>
        <p role="alert">This page needs the link we email when you ask to change your email address, or the one that cancels such a change.</p>
        <p>
          <Link to="/profile/email">Change your email address</Link> or <Link to="/login">log in</Link>.
        </p>
      </>,
    );
  }
  if (view === "asks") {
    const purpose = searchParams.has("cancel") ? "cancel" : "confirm";
    return card(
      <>
        {title}
        <p>
          This link is about changing an account&apos;s email address. This browser is in the middle of something else (a sign-in, a
          registration or another link); continuing replaces it.
        </p>
        <Form method="post" action="/confirm-email">
          <input type="hidden" name="intent" value="open" />
          <input type="hidden" name="purpose" value={purpose} />
          <input type="hidden" name="token" value={searchParams.get(purpose === "cancel" ? "cancel" : "token") ?? ""} />
          <SubmitButton action="/confirm-email" pendingLabel="Opening…">Continue</SubmitButton>
        </Form>
        <p>
          <Link to="/">Not now</Link>
        </p>
      </>,
    );
  }
  if (view === "cancelled") {
    return card(
      <>
        {title}
        <p role="status">The change is cancelled: the account keeps its address. If you did not ask for it, reset your password now.</p>
        <p>
          <Link to="/forgot-password">Reset your password</Link> or <Link to="/login">log in</Link>.
        </p>
      </>,
    );
  }
  if (view === "cancel") {
    return card(
      <>
        {title}
        <p>
          Someone signed in to the account that uses <strong>{loaderData.email}</strong> asked to change its email address. Cancelling
          keeps the address as it is; the link sent to the new address then does nothing.
        </p>
        <Form method="post">
          <SubmitButton pendingLabel="Cancelling…">Cancel the change</SubmitButton>
        </Form>
      </>,
    );
  }
  if (view === "sign-in") {
    return card(
      <>
        {title}
        <p role={actionData ? "alert" : undefined}>
          Only the account that asked for this change can confirm it. Log in as that account (with the address it uses now), and you
          come back here to confirm.
        </p>
        <p>
          <Link to={`/login?${new URLSearchParams({ redirectTo: "/confirm-email" })}`}>Log in to confirm</Link>
        </p>
        <p>If you did not ask for this, you need do nothing: the link changes nothing for anyone else.</p>
      </>,
    );
  }
  return card(
    <>
      {title}
      <p>
        Your account will use <strong>{loaderData.email}</strong> from now on: you log in with it, and every session of your account
        ends, this one included.
      </p>
      <Form method="post">
        <SubmitButton pendingLabel="Confirming…">Confirm the new address</SubmitButton>
      </Form>
    </>,
  );
}
