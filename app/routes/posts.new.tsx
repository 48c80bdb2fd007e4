import { data, redirect } from "react-router";
import type { Route } from "./+types/posts.new";
import { RouteErrorPage } from "#app/components/error-page.tsx";
import { PostForm } from "#app/components/post-form.tsx";
import { parseForm, postSchema } from "#app/lib/validation.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { createPost, postFormFailure } from "#app/server/posts/posts.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "New post" }];

export async function loader(args: Route.LoaderArgs) {
  // The form needs nothing from Directus, so the guard asks it whether the session still stands.
  await requireUser(args, { confirm: true });
  return null;
}

export async function action(args: Route.ActionArgs) {
  const { directus } = await requireUser(args);
  const form = await readForm(args.request);
  const values = { title: String(form.get("title") ?? ""), content: String(form.get("content") ?? "") };
  // A fresh id per answer remounts the inputs, so they show what came back even without a reload.
  const attempt = crypto.randomUUID();
  const parsed = parseForm(postSchema, form);
  if (!parsed.ok) return data({ attempt, values, errors: parsed.errors, formError: null }, { status: 400 });

  const result = await createPost(directus, parsed.data);
  if (!result.ok) return postFormFailure(result.failure, values, attempt);
  throw redirect(`/posts/${result.value}`);
}

export default function NewPost({ actionData }: Route.ComponentProps) {
  return (
    <section className="card" aria-labelledby="new-post-title">
      <h1 id="new-post-title">New post</h1>
      <PostForm
        values={actionData?.values ?? { title: "", content: "" }}
        errors={actionData?.errors}
        formError={actionData?.formError}
        attempt={actionData?.attempt}
        submitLabel="Create post"
        pendingLabel="Creating…"
      />
    </section>
  );
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  return <RouteErrorPage error={error} />;
}
