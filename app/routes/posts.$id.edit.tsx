import { data, Link, redirect } from "react-router";
import type { Route } from "./+types/posts.$id.edit";
import { RouteErrorPage } from "#app/components/error-page.tsx";
import { PostForm } from "#app/components/post-form.tsx";
import { parseForm, postSchema } from "#app/lib/validation.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { getOwnPost, postFormFailure, requirePostId, updatePost } from "#app/server/posts/posts.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Edit post" }];

export async function loader(args: Route.LoaderArgs) {
  const { user, directus } = await requireUser(args);
  const id = requirePostId(args.params.id);
  const post = await getOwnPost(directus, id, user.id);
  return { id, values: { title: post.title, content: post.content ?? "" } };
}

export async function action(args: Route.ActionArgs) {
  const { directus } = await requireUser(args);
  const id = requirePostId(args.params.id);
  const form = await readForm(args.request);
  const values = { title: String(form.get("title") ?? ""), content: String(form.get("content") ?? "") };
  // A fresh id per answer remounts the inputs, so they show what came back even without a reload.
  const attempt = crypto.randomUUID();
  const parsed = parseForm(postSchema, form);
  if (!parsed.ok) return data({ attempt, values, errors: parsed.errors, formError: null }, { status: 400 });

  // Directus decides ownership here; someone else's post becomes a 403 page inside updatePost.
  const result = await updatePost(directus, id, parsed.data);
  if (!result.ok) return postFormFailure(result.failure, values, attempt);
  throw redirect(`/posts/${id}`);
}

export default function EditPost({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <section className="card" aria-labelledby="edit-post-title">
      <h1 id="edit-post-title">Edit post</h1>
      <PostForm
        values={actionData?.values ?? loaderData.values}
        errors={actionData?.errors}
        formError={actionData?.formError}
        attempt={actionData?.attempt}
        submitLabel="Save"
        pendingLabel="Saving…"
      />
      <p>
        <Link to={`/posts/${loaderData.id}`}>Cancel</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  return <RouteErrorPage error={error} />;
}
