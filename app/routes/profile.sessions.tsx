import { data, Form, Link, useNavigation } from "react-router";
import type { Route } from "./+types/profile.sessions";
import { FormAlert } from "#app/components/field.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { formatDateTime } from "#app/lib/format-date.ts";
import { sessionsSchema } from "#app/lib/session-schemas.ts";
import { parseForm } from "#app/lib/validation.ts";
import { changeSessions, listSessions, type SessionView } from "#app/server/account/account-sessions.server.ts";
import { failureMessage, failureStatus } from "#app/server/directus/failure-messages.server.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";
import { takeFlash } from "#app/server/session/session.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Where you are signed in" }];

export async function loader(args: Route.LoaderArgs) {
  const signedIn = await requireUser(args);
  return { sessions: await listSessions(signedIn), notice: takeFlash(signedIn.session) };
}

export async function action(args: Route.ActionArgs) {
  const signedIn = await requireUser(args);
  const parsed = parseForm(sessionsSchema, await readForm(args.request));
  if (!parsed.ok) return data({ formError: Object.values(parsed.errors)[0] ?? null }, { status: 400 });
  const { failure } = await changeSessions(signedIn, parsed.data);
  return data({ formError: failureMessage(failure) }, { status: failureStatus(failure) });
}

export default function Sessions({ loaderData, actionData }: Route.ComponentProps) {
  const others = loaderData.sessions.filter((session) => !session.current).length;
  return (
    <section className="card" aria-labelledby="sessions-title">
      <h1 id="sessions-title">Where you are signed in</h1>
      <FormAlert message={actionData ? null : loaderData.notice} tone="info" />
      <FormAlert message={actionData?.formError} />
      <ul className="session-list" aria-label="Your sessions">
        {loaderData.sessions.map((session) => (
          <SessionItem key={session.id} session={session} />
        ))}
      </ul>
      {others > 0 ? (
        <Form method="post">
          <SubmitButton intent="end-others" pendingLabel="Signing out…">
            Sign out all other devices
          </SubmitButton>
        </Form>
      ) : (
        <p>You are not signed in anywhere else.</p>
      )}
      <p>
        <Link to="/profile">Back to your profile</Link>
      </p>
    </section>
  );
}

function SessionItem({ session }: { session: SessionView }) {
  // Only the button of the session being ended shows progress (they all send intent "end").
  const navigation = useNavigation();
  const pending = navigation.state !== "idle" && navigation.formData?.get("session") === session.id;
  const label = session.current ? "Log out" : "Sign out";
  return (
    <li aria-label={session.device}>
      <strong>{session.device}</strong>
      {session.current ? <span className="this-device"> · This device</span> : null}
      <br />
      <span className="session-details">
        IP {session.ip ?? "unknown"} · Last active <time dateTime={session.lastActive}>{formatDateTime(session.lastActive)}</time>
      </span>
      <Form method="post" className="session-end">
        <input type="hidden" name="session" value={session.id} />
        <button type="submit" name="intent" value="end" disabled={pending} aria-busy={pending || undefined} aria-label={`${label}: ${session.device}${session.current ? " (this device)" : ""}`}>
          {pending ? "Signing out…" : label}
        </button>
      </Form>
    </li>
  );
}
