import { data, Form, Link } from "react-router";
import type { Route } from "./+types/profile.delete";
import { ConfirmFirstNote } from "#app/components/confirm-first-note.tsx";
import { FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { deleteOwnAccount } from "#app/server/account/delete-account.server.ts";
import { failureStatus } from "#app/server/directus/failure-messages.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";
import { hasConfirmedItsYou, takeFlash } from "#app/server/session/session.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Delete your account" }];

const NOT_TICKED = "Tick “I understand this cannot be undone” to delete your account.";

export async function loader(args: Route.LoaderArgs) {
  const { user, session } = await requireUser(args, { confirm: true });
  return { email: user.email, confirmed: hasConfirmedItsYou(session), notice: takeFlash(session) };
}

export async function action(args: Route.ActionArgs) {
  const signedIn = await requireUser(args);
  const form = await readForm(args.request);
  if (form.get("understood") !== "yes") return data({ formError: NOT_TICKED }, { status: 400 });
  // Redirects to /login once the account is gone; here only when nothing was deleted.
  const result = await deleteOwnAccount(signedIn);
  return data({ formError: result.message }, { status: failureStatus(result.failure) });
}

export default function DeleteAccount({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <section className="card" aria-labelledby="delete-account-title">
      <h1 id="delete-account-title">Delete your account</h1>
      <p>
        This deletes the account <strong>{loaderData.email}</strong> for good, at once:
      </p>
      <ul>
        <li>the account itself, with its name and sign-in details;</li>
        <li>all your posts;</li>
        <li>its passkeys and recovery codes;</li>
        <li>every session: each device signed in to it is signed out on its next request.</li>
      </ul>
      <p>We mail a last note to this address. It is not a suspension: the address can register again later, as a new, empty account.</p>
      <FormAlert message={loaderData.notice} tone="info" />
      <FormAlert message={actionData?.formError} />
      <ConfirmFirstNote confirmed={loaderData.confirmed} />
      <Form method="post">
        <p>
          <label>
            <input type="checkbox" name="understood" value="yes" required /> I understand this cannot be undone
          </label>
        </p>
        <SubmitButton pendingLabel="Deleting…" className="danger">
          Delete my account
        </SubmitButton>
      </Form>
      <p>
        <Link to="/profile">Keep my account</Link>
      </p>
    </section>
  );
}
