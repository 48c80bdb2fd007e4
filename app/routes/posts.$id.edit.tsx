import { type ShouldRevalidateFunction, data, Link, redirect } from "react-router";
import type { Route } from "./+types/posts.$id.edit";
import { DraftSignIn } from "#app/components/draft-sign-in.tsx";
import { keepsDraftAnswer } from "#app/lib/draft.ts";
import { RouteErrorPage } from "#app/components/error-page.tsx";
import { PostForm } from "#app/components/post-form.tsx";
import { parseForm, postSchema, revisionSchema } from "#app/lib/validation.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { getOwnPost, postFormFailure, requirePostId, updatePost } from "#app/server/posts/posts.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";
import { DRAFT_NOT_SAVED, isDraftAnswer, writeKeepingDraft } from "#app/server/sign-in/draft-sign-in.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "Edit post" }];

export const POST_CHANGED =
  "This post was changed since you opened it (in another tab or on another device). What it says now is shown below; your text is still in the form: copy what you need, or save over it.";

export async function loader(args: Route.LoaderArgs) {
  const id = requirePostId(args.params.id);
  // The draft login on this page's answer needs no session.
  if (isDraftAnswer(args.context)) return { id, values: { title: "", content: "" }, revision: 0 };
  const { user, directus } = await requireUser(args);
  const post = await getOwnPost(directus, id, user.id);
  return { id, values: { title: post.title, content: post.content ?? "" }, revision: post.revision };
}

export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  !keepsDraftAnswer(actionResult) && defaultShouldRevalidate;

export async function action(args: Route.ActionArgs) {
  const id = requirePostId(args.params.id);
  const form = await readForm(args.request);
  const values = { title: String(form.get("title") ?? ""), content: String(form.get("content") ?? "") };
  const opened = revisionSchema.safeParse(form.get("revision"));
  // A form without its revision (a page from before revisions) saves over whatever is there.
  const revision = opened.success ? opened.data : null;
  return writeKeepingDraft(args, form, ["title", "content", "revision"], async ({ user, directus }, { save }) => {
    // A fresh id per answer remounts the inputs, so they show what came back even without a reload.
    const attempt = crypto.randomUUID();
    const answer = { attempt, values, revision, current: null, errors: {}, formError: null };
    if (!save) return { ...answer, formError: DRAFT_NOT_SAVED };
    const parsed = parseForm(postSchema, form);
    if (!parsed.ok) return data({ ...answer, errors: parsed.errors }, { status: 400 });

    const from = revision ?? (await getOwnPost(directus, id, user.id)).revision;
    const result = await updatePost(directus, id, parsed.data, from);
    if ("changed" in result) {
      // Saving again now saves over the current text, deliberately ("Save anyway").
      const { revision: now, ...current } = result.changed;
      return data({ ...answer, revision: now, current, formError: POST_CHANGED }, { status: 409 });
    }
    if (!result.ok) return postFormFailure(result.failure, values, attempt, { revision, current: null });
    throw redirect(`/posts/${id}`);
  });
}

export default function EditPost({ loaderData, actionData }: Route.ComponentProps) {
  if (actionData && "draftLogin" in actionData) return <DraftSignIn draft={actionData.draftLogin} />;
  const current = actionData?.current;
  return (
    <section className="card" aria-labelledby="edit-post-title">
      <h1 id="edit-post-title">Edit post</h1>
      <PostForm
        values={actionData?.values ?? loaderData.values}
        hidden={{ revision: actionData?.revision ?? loaderData.revision }}
        errors={actionData?.errors}
        formError={actionData?.formError}
        attempt={actionData?.attempt}
        submitLabel={current ? "Save anyway" : "Save"}
        pendingLabel="Saving…"
      />
      {current ? (
        <section aria-labelledby="current-title" className="current-version">
          <h2 id="current-title">What the post says now</h2>
          <p>
            <strong>{current.title}</strong>
          </p>
          <pre className="current-content">{current.content}</pre>
        </section>
      ) : null}
      <p>
        <Link to={`/posts/${loaderData.id}`}>Cancel</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  return <RouteErrorPage error={error} />;
}
