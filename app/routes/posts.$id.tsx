import { Link } from "react-router";
import type { Route } from "./+types/posts.$id";
import { RouteErrorPage } from "#app/components/error-page.tsx";
import { formatDate } from "#app/lib/format-date.ts";
import { postHtml } from "#app/server/posts/post-html.server.ts";
import { authorName, getPost, requirePostId } from "#app/server/posts/posts.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData?.title ?? "Post" }];

export async function loader(args: Route.LoaderArgs) {
  const { user, directus } = await requireUser(args);
  const id = requirePostId(args.params.id);
  const post = await getPost(directus, id);
  return {
    id,
    title: post.title,
    author: authorName(post, user),
    dateCreated: post.date_created,
    html: postHtml(post.content ?? ""),
    // Only hides the buttons: Directus refuses others' edits whatever the page shows.
    isOwner: post.user_created === user.id,
  };
}

export default function Post({ loaderData }: Route.ComponentProps) {
  const { id, title, author, dateCreated, html, isOwner } = loaderData;
  return (
    <article aria-labelledby="post-title">
      <h1 id="post-title">{title}</h1>
      <p className="muted">
        By {author}
        {dateCreated ? <> on <time dateTime={dateCreated}>{formatDate(dateCreated)}</time></> : null}
      </p>
      {isOwner ? (
        <p className="actions">
          <Link to={`/posts/${id}/edit`} className="button">Edit</Link>
          {/* A link to the confirm page, so deleting always takes a second, deliberate click, with or without JS. */}
          <Link to={`/posts/${id}/delete`} className="danger-link">Delete</Link>
        </p>
      ) : null}
      {/* Rendered and sanitised on the server (post-html.server.ts). */}
      <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />
      <p>
        <Link to="/dashboard">Back to all posts</Link>
      </p>
    </article>
  );
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  return <RouteErrorPage error={error} />;
}
