// The signed-in user's passkeys (docs/decisions/024): listed, added (with JavaScript: the browser's
// own dialog), renamed and removed. Adding and removing wait for "confirm it's you".
import { data, Form, Link, useNavigation } from "react-router";
import type { Route } from "./+types/profile.passkeys";
import { ConfirmFirstNote } from "#app/components/confirm-first-note.tsx";
import { Field, FormAlert } from "#app/components/field.tsx";
import { AddPasskey } from "#app/components/passkey-add.tsx";
import { formatDateTime } from "#app/lib/format-date.ts";
import { limits } from "#app/lib/limits.ts";
import { passkeysSchema } from "#app/lib/passkey-schemas.ts";
import { parseForm } from "#app/lib/validation.ts";
import type { PasskeyView } from "#app/server/account/passkey-list.server.ts";
import { changePasskeys, passkeysView } from "#app/server/account/passkeys.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Your passkeys" }];

export async function loader(args: Route.LoaderArgs) {
  return passkeysView(await requireUser(args));
}

export async function action(args: Route.ActionArgs) {
  const signedIn = await requireUser(args);
  const form = await readForm(args.request);
  // A fresh id per answer remounts the inputs, so they show what came back even without a reload.
  const attempt = crypto.randomUUID();
  const target = String(form.get("id") ?? "").slice(0, 36);
  const parsed = parseForm(passkeysSchema, form);
  if (!parsed.ok) {
    const formError = parsed.errors.intent ?? parsed.errors.response ?? parsed.errors.id ?? null;
    return data({ attempt, target, errors: parsed.errors, formError }, { status: 400 });
  }
  const { status, ...answer } = await changePasskeys(signedIn, parsed.data, args.request.headers.get("User-Agent"));
  return data({ attempt, target, ...answer }, { status });
}

type Answer = { attempt: string; target: string; errors: Record<string, string | undefined>; formError: string | null } | undefined;

export default function Passkeys({ loaderData: view, actionData }: Route.ComponentProps) {
  const answer = actionData as Answer;
  const forAdd = answer && !answer.target;
  return (
    <section className="card" aria-labelledby="passkeys-title">
      <h1 id="passkeys-title">Your passkeys</h1>
      <FormAlert message={answer ? null : view.notice} tone="info" />
      <FormAlert message={answer?.formError ?? view.unavailable} fieldErrors={forAdd ? undefined : answer?.errors} />
      <p>
        A passkey signs you in without your password or a code: your device checks it is you, with your fingerprint, face or screen
        lock.
      </p>
      {view.passkeys.length === 0 ? (
        <p>You have no passkeys yet.</p>
      ) : (
        <ul className="passkey-list" aria-label="Your passkeys">
          {view.passkeys.map((passkey) => (
            <PasskeyItem key={passkey.id} passkey={passkey} answer={answer?.target === passkey.id ? answer : undefined} />
          ))}
        </ul>
      )}
      {view.unavailable ? null : (
        <>
          <ConfirmFirstNote confirmed={view.confirmed} />
          <AddPasskey nameError={forAdd ? answer?.errors.name : undefined} />
        </>
      )}
      <p>
        <Link to="/profile">Back to your profile</Link>
      </p>
    </section>
  );
}

function PasskeyItem({ passkey, answer }: { passkey: PasskeyView; answer: Answer }) {
  // Only the buttons of this passkey show progress (every passkey's forms send the same intents).
  const navigation = useNavigation();
  const pending = navigation.state !== "idle" && navigation.formData?.get("id") === passkey.id ? navigation.formData.get("intent") : null;
  return (
    <li aria-label={passkey.name}>
      <strong>{passkey.name}</strong>
      <br />
      <span className="session-details">
        Added <time dateTime={passkey.createdAt}>{formatDateTime(passkey.createdAt)}</time> · Last used{" "}
        {passkey.lastUsedAt ? <time dateTime={passkey.lastUsedAt}>{formatDateTime(passkey.lastUsedAt)}</time> : "never"}
      </span>
      <Form method="post" className="passkey-rename">
        <input type="hidden" name="id" value={passkey.id} />
        <Field
          key={`name-${passkey.id}-${answer?.attempt}`}
          label={`New name for ${passkey.name}`}
          name="name"
          required
          maxLength={limits.passkeyNameMax}
          defaultValue={passkey.name}
          error={answer?.errors.name}
        />
        <button type="submit" name="intent" value="rename" disabled={pending !== null} aria-busy={pending === "rename" || undefined}>
          {pending === "rename" ? "Renaming…" : "Rename"}
        </button>
      </Form>
      <Form method="post" className="passkey-remove">
        <input type="hidden" name="id" value={passkey.id} />
        <button
          type="submit"
          name="intent"
          value="remove"
          className="secondary"
          disabled={pending !== null}
          aria-busy={pending === "remove" || undefined}
          aria-label={`Remove ${passkey.name}`}
        >
          {pending === "remove" ? "Removing…" : "Remove"}
        </button>
      </Form>
    </li>
  );
}
