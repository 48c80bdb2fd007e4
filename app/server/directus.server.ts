// The one way the app talks to Directus. Each call builds its own client: a module-level
// client holding a token would hand one visitor's identity to the next request.
import { createDirectus, rest, staticToken, type RestClient } from "@directus/sdk";
import { config } from "./config.server";

export type Post = {
  id: number;
  title: string;
  content: string | null;
  date_created: string | null;
  user_created: string | DirectusUser | null;
  author: string | DirectusUser | null;
};

export type DirectusUser = {
  id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
};

export type Schema = {
  posts: Post[];
  directus_users: DirectusUser[];
};

export type Directus = RestClient<Schema>;

type ClientOptions = {
  /** The signed-in user's access token; omit for anonymous calls (login, register, refresh). */
  token?: string;
  /** The visitor's IP, forwarded so Directus's rate limiter counts visitors rather than this server. */
  clientIp?: string | null;
};

// Every call gets a deadline: a hung Directus must become a 503 page, not a hung request.
function fetchWithDeadline(clientIp: string | null | undefined) {
  return (input: string | URL | Request, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (clientIp) headers.set("X-Forwarded-For", clientIp);
    return fetch(input, { ...init, headers, signal: AbortSignal.timeout(config.directusTimeoutMs) });
  };
}

export function directusClient({ token, clientIp }: ClientOptions = {}): Directus {
  const base = createDirectus<Schema>(config.directusUrl, { globals: { fetch: fetchWithDeadline(clientIp) } });
  return token ? base.with(staticToken(token)).with(rest()) : base.with(rest());
}
