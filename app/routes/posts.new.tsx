import { type ShouldRevalidateFunction, data, redirect } from "react-router";
import type { Route } from "./+types/posts.new";
import { DraftSignIn } from "#app/components/draft-sign-in.tsx";
import { keepsDraftAnswer } from "#app/lib/draft.ts";
import { RouteErrorPage } from "#app/components/error-page.tsx";
import { PostForm } from "#app/components/post-form.tsx";
import { formKeySchema, parseForm, postSchema } from "#app/lib/validation.ts";
import { readForm } from "#app/server/http/form.server.ts";
import { createPost, postFormFailure } from "#app/server/posts/posts.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";
import { DRAFT_NOT_SAVED, isDraftAnswer, writeKeepingDraft } from "#app/server/sign-in/draft-sign-in.server.ts";

export const meta: Route.MetaFunction = () => [{ title: "New post" }];

export async function loader(args: Route.LoaderArgs) {
  // The draft login on this page's answer needs no session.
  if (isDraftAnswer(args.context)) return { formKey: "" };
  // The form needs nothing from Directus, so the guard asks it whether the session still stands.
  await requireUser(args, { confirm: true });
  // This form's own id: sent twice, it still makes one post (posts.server.ts).
  return { formKey: crypto.randomUUID() };
}

export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  !keepsDraftAnswer(actionResult) && defaultShouldRevalidate;

export async function action(args: Route.ActionArgs) {
  const form = await readForm(args.request);
  const values = { title: String(form.get("title") ?? ""), content: String(form.get("content") ?? "") };
  const key = formKeySchema.safeParse(form.get("formKey"));
  const formKey = key.success ? key.data : null;
  return writeKeepingDraft(args, form, ["title", "content", "formKey"], async ({ directus }, { save }) => {
    // A fresh id per answer remounts the inputs, so they show what came back even without a reload.
    const attempt = crypto.randomUUID();
    if (!save) return { attempt, values, formKey, errors: {}, formError: DRAFT_NOT_SAVED };
    const parsed = parseForm(postSchema, form);
    if (!parsed.ok) return data({ attempt, values, formKey, errors: parsed.errors, formError: null }, { status: 400 });

    const result = await createPost(directus, parsed.data, formKey);
    if (!result.ok) return postFormFailure(result.failure, values, attempt, { formKey });
    throw redirect(`/posts/${result.value}`);
  });
}

export default function NewPost({ loaderData, actionData }: Route.ComponentProps) {
  if (actionData && "draftLogin" in actionData) return <DraftSignIn draft={actionData.draftLogin} />;
  return (
    <section className="card" aria-labelledby="new-post-title">
      <h1 id="new-post-title">New post</h1>
      <PostForm
        values={actionData?.values ?? { title: "", content: "" }}
        hidden={{ formKey: actionData?.formKey ?? loaderData.formKey }}
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
