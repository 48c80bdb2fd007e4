// How the app's Directus calls travel: undici's request API on one keep-alive pool, handed to the SDK
// as its fetch. The global fetch is the same undici wrapped in the WHATWG machinery (Request, Headers,
// streams, an abort signal per call), which cost about 150 µs of CPU more per call here, on every page
// (README, Performance; docs/decisions/021). The SDK reads only status, ok, headers.get, json and text.
import { Readable } from "node:stream";
import { Agent, request } from "undici";
import { config } from "../config.server";

/** Directus did not answer in time, or could not be reached: the page says it is unavailable. */
export class DirectusUnreachable extends Error {
  override name = "DirectusUnreachable";
}

// Keep-alive with undici's defaults (it honours Directus's Keep-Alive hint and closes idle sockets
// first); the deadline below bounds each call, so the pool needs no timeouts of its own.
const pool = new Agent();

type Headers = Record<string, string | string[] | undefined>;

/** Directus's answer, read whole within the deadline: the part of a fetch Response the app and the SDK use. */
export class DirectusAnswer {
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null; getSetCookie(): string[] };
  constructor(
    readonly status: number,
    rawHeaders: Headers,
    private readonly body: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = {
      get: (name) => {
        const value = rawHeaders[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
      getSetCookie: () => {
        const value = rawHeaders["set-cookie"];
        return value === undefined ? [] : Array.isArray(value) ? value : [value];
      },
    };
  }
  async text(): Promise<string> {
    return this.body;
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.body);
  }
}

export type DirectusRequestInit = { method?: string; headers?: Record<string, string>; body?: string | null };

/**
 * One call, headers and body, within DIRECTUS_TIMEOUT_MS: a hung Directus becomes DirectusUnreachable,
 * never a hung page. Redirects are not followed (Directus's API answers none the app asks for).
 */
export async function directusRequest(url: string, { method = "GET", headers = {}, body = null }: DirectusRequestInit = {}): Promise<DirectusAnswer> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), config.directusTimeoutMs);
  try {
    const answer = await request(url, { method: method as "GET", headers, body, dispatcher: pool, signal: deadline.signal });
    return new DirectusAnswer(answer.statusCode, answer.headers, await answer.body.text());
  } catch (error) {
    throw new DirectusUnreachable(deadline.signal.aborted ? `no answer within ${config.directusTimeoutMs} ms` : error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Directus's answer whose body is passed on as it arrives rather than read whole (a download). */
export type DirectusStream = {
  status: number;
  /** The body, piece by piece, read only as fast as it is consumed; it errors if Directus stops part-way. */
  body: ReadableStream<Uint8Array>;
  /** Frees the connection when the body is not wanted (an error answer). */
  discard: () => Promise<void>;
};

/**
 * A GET whose body may be large: the status and headers within DIRECTUS_TIMEOUT_MS, as for any call,
 * then each piece of the body within the same time of the one before, so a Directus that stalls
 * part-way ends the download instead of holding it open.
 */
export async function directusStream(url: string, { headers = {} }: { headers?: Record<string, string> } = {}): Promise<DirectusStream> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), config.directusTimeoutMs);
  try {
    const answer = await request(url, { method: "GET", headers, dispatcher: pool, signal: deadline.signal, bodyTimeout: config.directusTimeoutMs });
    return {
      status: answer.statusCode,
      body: Readable.toWeb(answer.body) as ReadableStream<Uint8Array>,
      discard: () => answer.body.dump(),
    };
  } catch (error) {
    throw new DirectusUnreachable(deadline.signal.aborted ? `no answer within ${config.directusTimeoutMs} ms` : error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}
