import { Link } from "react-router";
import type { Route } from "./+types/dashboard";
import { FormAlert } from "#app/components/field.tsx";
import { formatDate } from "#app/lib/format-date.ts";
import { pageParam } from "#app/lib/page-param.ts";
import { noticeLink } from "#app/lib/recovery-codes.ts";
import { displayName } from "#app/lib/user.ts";
import { directusFailureResponse } from "#app/server/directus/directus-errors.server.ts";
import { listPosts } from "#app/server/posts/posts.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";
import { takeFlash } from "#app/server/session/session.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Dashboard" }];

export async function loader(args: Route.LoaderArgs) {
  const { user, directus, session } = await requireUser(args);
  const page = pageParam(new URL(args.request.url));
  // Identity comes from the signed session; the posts are this page's only Directus request.
  const { posts, hasNext } = await listPosts(directus, page).catch(directusFailureResponse);
  return { user, posts, page, hasNext, notice: takeFlash(session) };
}

export default function Dashboard({ loaderData }: Route.ComponentProps) {
  const { user, posts, page, hasNext, notice } = loaderData;
  return (
    <section aria-labelledby="dashboard-title">
      <FormAlert message={notice} tone="info" link={noticeLink(notice)} />
      <h1 id="dashboard-title">Welcome, {displayName(user)}</h1>
      <p className="identity">
        Email: <strong>{user.email}</strong>
        <br />
        Your id: <code>{user.id}</code>
      </p>
      <div className="section-head">
        <h2>Posts</h2>
        <Link to="/posts/new" className="button">New post</Link>
      </div>
      {posts.length === 0 ? (
        <p className="empty">{page === 1 ? "No posts yet. Write the first one." : "No posts on this page."}</p>
      ) : (
        <ul className="post-list">
          {posts.map((post) => (
            <li key={post.id}>
              <Link to={`/posts/${post.id}`}>{post.title}</Link>
              {post.date_created ? <time dateTime={post.date_created}> {formatDate(post.date_created)}</time> : null}
            </li>
          ))}
        </ul>
      )}
      <nav aria-label="Pages" className="pager">
        {page > 1 ? <Link to={page === 2 ? "/dashboard" : `/dashboard?page=${page - 1}`} rel="prev">Previous page</Link> : null}
        {hasNext ? <Link to={`/dashboard?page=${page + 1}`} rel="next">Next page</Link> : null}
      </nav>
    </section>
  );
}
