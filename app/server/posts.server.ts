// Reading and writing posts as the signed-in user; Directus's policies decide what is allowed.
import { readItems } from "@directus/sdk";
import type { Directus } from "./directus.server";

export const POSTS_PER_PAGE = 10;

export type PostSummary = { id: number; title: string; date_created: string | null };

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
