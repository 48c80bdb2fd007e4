import { Form, Link, redirect } from "react-router";
import type { Route } from "./+types/posts.$id.delete";
import { RouteErrorPage } from "#app/components/error-page.tsx";
import { SubmitButton } from "#app/components/submit-button.tsx";
import { readForm } from "#app/server/http/form.server.ts";
import { deletePost, getOwnPost, requirePostId } from "#app/server/posts/posts.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";
import { flash } from "#app/server/session/session.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Delete post" }];

export async function loader(args: Route.LoaderArgs) {
  const { user, directus } = await requireUser(args);
  const id = requirePostId(args.params.id);
  const post = await getOwnPost(directus, id, user.id);
  return { id, title: post.title };
}

export async function action(args: Route.ActionArgs) {
  const { directus, session } = await requireUser(args);
  const id = requirePostId(args.params.id);
  // The form has no fields, but anything that is not a form submission is refused like everywhere else.
  await readForm(args.request);
  // Directus decides ownership here; someone else's post becomes a 403 page inside deletePost.
  await deletePost(directus, id);
  flash(session, "Post deleted");
  throw redirect("/dashboard");
}

export default function DeletePost({ loaderData }: Route.ComponentProps) {
  const { id, title } = loaderData;
  return (
    <section className="card" aria-labelledby="delete-post-title">
      <h1 id="delete-post-title">Delete this post?</h1>
      <p>
        “{title}” will be deleted for good.
      </p>
      <Form method="post" className="actions">
        <SubmitButton pendingLabel="Deleting…">Delete</SubmitButton>
        <Link to={`/posts/${id}`}>Cancel</Link>
      </Form>
    </section>
  );
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  return <RouteErrorPage error={error} />;
}
