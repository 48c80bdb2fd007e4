// Reading and writing posts as the signed-in user; Directus's policies decide what is allowed.
import { createItem, deleteItem, readItem, readItems, updateItems } from "@directus/sdk";
import { data } from "react-router";
import { displayName } from "#app/lib/user.ts";
import { postIdSchema } from "#app/lib/validation.ts";
import { classifyDirectusError, directusFailureResponse, type DirectusFailure } from "../directus/directus-errors.server";
import type { Directus } from "../directus/directus.server";
import { failureStatus, formFailure } from "../directus/failure-messages.server";
import type { SessionUser } from "../session/session.server";

export const POSTS_PER_PAGE = 10;
export const CANT_CHANGE_POST = "You can't change this post";

export type PostSummary = { id: number; title: string; date_created: string | null };
export type PostValues = { title: string; content: string };

type AuthorFields = { id: string; email: string | null; first_name: string | null; last_name: string | null };
export type PostDetail = PostSummary & { content: string | null; user_created: string | null; author: AuthorFields | null };
type OwnPost = { id: number; title: string; content: string | null; user_created: string | null; revision: number };

/**
 * One page of posts, newest first, in one Directus request: asking for one post more than a page
 * tells whether a next page exists without a second count query.
 */
export async function listPosts(directus: Directus, page: number) {
  const rows = (await directus.request(
    readItems("posts", {
      fields: ["id", "title", "date_created"],
      sort: ["-date_created", "-id"],
      limit: POSTS_PER_PAGE + 1,
      offset: (page - 1) * POSTS_PER_PAGE,
    }),
  )) as PostSummary[];
  return { posts: rows.slice(0, POSTS_PER_PAGE), hasNext: rows.length > POSTS_PER_PAGE };
}

function postNotFound() {
  return data({ message: "This post does not exist or was deleted." }, { status: 404 });
}

/** The id from the URL, or a 404 page: nothing that is not a plausible id reaches Directus. */
export function requirePostId(raw: string | undefined): number {
  const parsed = postIdSchema.safeParse(raw);
  if (!parsed.success) throw postNotFound();
  return parsed.data;
}

// Everyone may read every post, so Directus's 403 for one id means it does not exist (that is how it hides missing items).
function readFailure(error: unknown): never {
  if (classifyDirectusError(error).kind === "forbidden") throw postNotFound();
  return directusFailureResponse(error);
}

export async function getPost(directus: Directus, id: number): Promise<PostDetail> {
  return (await directus
    .request(
      readItem("posts", id, {
        fields: ["id", "title", "content", "date_created", "user_created", { author: ["id", "email", "first_name", "last_name"] }],
      }),
    )
    .catch(readFailure)) as PostDetail;
}

/** For the edit and delete pages: the post if this user created it, else a 403 page. */
export async function getOwnPost(directus: Directus, id: number, userId: string): Promise<OwnPost> {
  const post = (await directus
    .request(readItem("posts", id, { fields: ["id", "title", "content", "user_created", "revision"] }))
    .catch(readFailure)) as OwnPost;
  if (post.user_created !== userId) throw data({ message: CANT_CHANGE_POST }, { status: 403 });
  return post;
}

/**
 * Who wrote the post, as this reader may know it. Directus lets users read only their own user
 * record, so for anyone else's post the expanded `author` arrives as null.
 */
export function authorName(post: PostDetail, user: SessionUser): string {
  if (post.user_created === user.id) return displayName(user);
  const author = post.author;
  if (!author?.email) return "Another user";
  return displayName({ firstName: author.first_name, lastName: author.last_name, email: author.email });
}

export type WriteResult<T> = { ok: true; value: T } | { ok: false; failure: DirectusFailure };

/**
 * Creates the post, once per form: `formKey` is the new-post form's own id, unique in the
 * database, so the same form sent again finds the post the first sending made (on any app instance).
 */
export async function createPost(directus: Directus, values: PostValues, formKey: string | null): Promise<WriteResult<number>> {
  try {
    const post = (await directus.request(createItem("posts", { ...values, form_key: formKey }, { fields: ["id"] }))) as { id: number };
    return { ok: true, value: post.id };
  } catch (error) {
    const failure = classifyDirectusError(error);
    const made = formKey && isFormKeyTaken(failure) ? await postFromForm(directus, formKey) : null;
    return made ? { ok: true, value: made } : { ok: false, failure };
  }
}

function isFormKeyTaken(failure: DirectusFailure): boolean {
  return failure.kind === "invalid" && failure.problems.some((p) => p.code === "RECORD_NOT_UNIQUE" && p.field === "form_key");
}

// Only the author may read a post's form key (Directus's policies), so another's key finds nothing here.
async function postFromForm(directus: Directus, formKey: string): Promise<number | null> {
  const rows = (await directus.request(
    readItems("posts", { filter: { form_key: { _eq: formKey }, user_created: { _eq: "$CURRENT_USER" } }, fields: ["id"], limit: 1 }),
  )) as { id: number }[];
  return rows[0]?.id ?? null;
}

export type SaveResult = WriteResult<null> | { ok: false; changed: PostValues & { revision: number } };

/**
 * Saves the post if it is still at `revision`, the one the form was opened on, and counts the save.
 * Directus has no If-Match: the filter on `revision` makes the update apply to no post once another
 * save moved it on (docs/decisions/019 for the window that remains). Someone else's or a missing
 * post becomes a 403 or 404 page, a post changed since the form opened a `changed` result with what
 * it holds now, anything else a result for the form.
 */
export async function updatePost(directus: Directus, id: number, values: PostValues, revision: number): Promise<SaveResult> {
  try {
    const saved = (await directus.request(
      updateItems("posts", { filter: { id: { _eq: id }, revision: { _eq: revision } } }, { ...values, revision: revision + 1 }, { fields: ["id"] }),
    )) as unknown[];
    if (saved.length > 0) return { ok: true, value: null };
  } catch (error) {
    await throwIfNotYours(directus, id, error);
    return { ok: false, failure: classifyDirectusError(error) };
  }
  // Nothing matched: the post moved on, or is gone (a 404 page).
  const now = (await directus
    .request(readItem("posts", id, { fields: ["title", "content", "revision"] }))
    .catch(readFailure)) as { title: string; content: string | null; revision: number };
  return { ok: false, changed: { title: now.title, content: now.content ?? "", revision: now.revision } };
}

export async function deletePost(directus: Directus, id: number): Promise<void> {
  try {
    await directus.request(deleteItem("posts", id));
  } catch (error) {
    await throwIfNotYours(directus, id, error);
    directusFailureResponse(error);
  }
}

// Directus refuses a write to someone else's post and to a missing one with the same 403; one read tells them apart.
async function throwIfNotYours(directus: Directus, id: number, error: unknown) {
  if (classifyDirectusError(error).kind !== "forbidden") return;
  const exists = await directus.request(readItem("posts", id, { fields: ["id"] })).then(
    () => true,
    (readError: unknown) => classifyDirectusError(readError).kind !== "forbidden",
  );
  throw exists ? data({ message: CANT_CHANGE_POST }, { status: 403 }) : postNotFound();
}

/** The form's answer to a refused save: what Directus refused goes under its input, in our words. */
export function postFormFailure<E extends object>(failure: DirectusFailure, values: PostValues, attempt: string, extra: E = {} as E) {
  const { errors, formError } = formFailure(failure, { title: "title", content: "content" });
  return data({ attempt, values, errors, formError, ...extra }, { status: failureStatus(failure) });
}
