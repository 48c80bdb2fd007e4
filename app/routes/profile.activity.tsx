import { Link } from "react-router";
import type { Route } from "./+types/profile.activity";
import { formatDateTime } from "#app/lib/format-date.ts";
import { activityPage, type ActivityView } from "#app/server/account/activity.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Recent activity" }];

export async function loader(args: Route.LoaderArgs) {
  const signedIn = await requireUser(args);
  return { ...(await activityPage(signedIn, args.request)), older: new URL(args.request.url).searchParams.has("before") };
}

export default function Activity({ loaderData }: Route.ComponentProps) {
  const { events, next, older } = loaderData;
  return (
    <section className="card" aria-labelledby="activity-title">
      <h1 id="activity-title">Recent activity</h1>
      <p>What happened to your account in the last 90 days, newest first: sign-ins, failed attempts and changes.</p>
      {events.length > 0 ? (
        <ul className="session-list" aria-label="Your recent activity">
          {events.map((event) => (
            <ActivityItem key={event.id} event={event} />
          ))}
        </ul>
      ) : (
        <p>{older ? "There is no older activity." : "Nothing has happened to your account in the last 90 days."}</p>
      )}
      <p className="actions">
        {next ? <Link to={`/profile/activity?${new URLSearchParams({ before: next })}`}>Older activity</Link> : null}
        {older ? <Link to="/profile/activity">Newest activity</Link> : null}
        <Link to="/profile">Back to your profile</Link>
      </p>
    </section>
  );
}

function ActivityItem({ event }: { event: ActivityView }) {
  const details = [event.device, event.ip ? `IP ${event.ip}` : null].filter(Boolean).join(" · ");
  return (
    <li>
      <strong>{event.words}</strong>
      <br />
      <span className="session-details">
        <time dateTime={event.at}>{formatDateTime(event.at)}</time>
        {details ? ` · ${details}` : null}
      </span>
    </li>
  );
}
