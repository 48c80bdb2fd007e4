// A browser-like HTTP client for hardening tests: a cookie jar on fetch that follows redirects
// itself (so every hop's Set-Cookie is kept) and sends the app's own Origin on form posts, because
// React Router refuses action POSTs whose Origin is another site.
import { randomUUID } from "node:crypto";
import { emailedLink, SUBJECTS } from "./mail.ts";

export const TEST_PASSWORD = "correct horse battery staple";

export function uniqueEmail(label = "user"): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

export type Reply = {
  status: number;
  /** The path of the last hop (after redirects, when followed). */
  path: string;
  headers: Headers;
  body: string;
  /** Every Location followed, in order. */
  redirects: string[];
};

export type Fields = Record<string, string | string[]> | URLSearchParams;

type RequestOptions = {
  method?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  /** Follow 3xx answers with GETs, like a browser after a form post. Default true. */
  follow?: boolean;
  /** Use this cookie header instead of the jar's (e.g. a stale copy); Set-Cookie still updates the jar. */
  cookie?: string;
};

export class HttpSession {
  private readonly jar = new Map<string, string>();

  /** `mailDir`: the test Directus's mail folder, for registering where email addresses are verified. */
  constructor(
    readonly baseUrl: string,
    private readonly options: { mailDir?: string } = {},
  ) {}

  get origin(): string {
    return new URL(this.baseUrl).origin;
  }

  /** The Cookie header this client sends right now. */
  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** The raw (still URL-encoded) value of one cookie. */
  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  /** The session cookie's raw value, whatever its name (__Host-session in production). */
  sessionCookie(): string | undefined {
    return this.jar.get("__Host-session") ?? this.jar.get("session");
  }

  clearCookies() {
    this.jar.clear();
  }

  /** Applies a response's Set-Cookie headers to the jar, as a browser does when a response arrives. */
  storeCookies(headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = "", val = ""] = attribute.split("=").map((part) => part.trim());
        if (key.toLowerCase() === "max-age") return Number(val) <= 0;
        if (key.toLowerCase() === "expires") return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === "") this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  async request(path: string, options: RequestOptions = {}): Promise<Reply> {
    const redirects: string[] = [];
    let method = options.method ?? "GET";
    let body = options.body;
    let headers: Record<string, string> = { ...options.headers };
    let cookie = options.cookie;
    let current = path;
    for (let hop = 0; ; hop++) {
      const response = await fetch(new URL(current, this.baseUrl), {
        method,
        body,
        redirect: "manual",
        headers: { ...headers, ...(cookie ?? this.cookieHeader() ? { Cookie: cookie ?? this.cookieHeader() } : {}) },
      });
      this.storeCookies(response.headers);
      const text = await response.text();
      const location = response.headers.get("Location");
      if (options.follow === false || !location || response.status < 300 || response.status >= 400) {
        return { status: response.status, path: current, headers: response.headers, body: text, redirects };
      }
      if (hop >= 10) throw new Error(`too many redirects: ${redirects.join(" -> ")}`);
      redirects.push(location);
      current = location;
      // After a redirect the browser sends a plain GET with the jar's latest cookies.
      method = "GET";
      body = undefined;
      headers = {};
      cookie = undefined;
    }
  }

  get(path: string, options: Omit<RequestOptions, "method" | "body"> = {}): Promise<Reply> {
    return this.request(path, options);
  }

  /** A same-origin HTML form post (application/x-www-form-urlencoded). */
  post(path: string, fields: Fields = {}, options: Omit<RequestOptions, "method" | "body"> = {}): Promise<Reply> {
    const form = fields instanceof URLSearchParams ? fields : toSearchParams(fields);
    return this.request(path, {
      ...options,
      method: "POST",
      body: form.toString(),
      headers: { Origin: this.origin, "Content-Type": "application/x-www-form-urlencoded", ...options.headers },
    });
  }

  async register(email = uniqueEmail(), password = TEST_PASSWORD): Promise<{ email: string; password: string; id: string }> {
    const since = Date.now();
    let reply = await this.post("/register", { email, password });
    // Where addresses are verified: open the mailed link and choose the password there, as a person would.
    if (reply.path === "/verify-email" && this.options.mailDir) {
      const link = new URL(await emailedLink(this.options.mailDir, { to: email, subject: SUBJECTS.verify, since, path: "/verify-email" }));
      await this.get(link.pathname + link.search);
      const token = link.searchParams.get("token") ?? "";
      reply = await this.post(link.pathname + link.search, { intent: "confirm", token, password, confirmPassword: password });
    }
    // Where they are not, registering signs nobody in: the new account logs in, as a person would next.
    if (reply.path === "/login") reply = await this.post("/login", { email, password });
    if (reply.path !== "/dashboard" || reply.status !== 200) {
      throw new Error(`registration of ${email} failed: ${reply.status} at ${reply.path}\n${reply.body.slice(0, 500)}`);
    }
    return { email, password, id: dashboardUserId(reply.body) };
  }

  async login(email: string, password = TEST_PASSWORD): Promise<Reply> {
    const reply = await this.post("/login", { email, password });
    if (reply.path !== "/dashboard" || reply.status !== 200) {
      throw new Error(`login of ${email} failed: ${reply.status} at ${reply.path}\n${reply.body.slice(0, 500)}`);
    }
    return reply;
  }

  /**
   * "Confirm it's you" with the password (docs/decisions/023), on the page an action that secures
   * the account sent this browser to; the answer is that action's page again.
   */
  confirmItsYou(password = TEST_PASSWORD): Promise<Reply> {
    return this.post("/confirm-its-you", { intent: "password", password });
  }

  logout(): Promise<Reply> {
    return this.post("/logout");
  }
}

function toSearchParams(fields: Record<string, string | string[]>): URLSearchParams {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) form.append(name, one);
  }
  return form;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** The id the dashboard shows after "Your id:". */
export function dashboardUserId(html: string): string {
  const match = html.match(/Your id:\s*(?:<!-- -->)?\s*<code>([0-9a-f-]{36})<\/code>/);
  if (!match?.[1]) throw new Error(`no "Your id:" on this page:\n${html.slice(0, 500)}`);
  return match[1];
}

/** Every user id (UUID) anywhere in a body: a page for one user must show no one else's. */
export function uuidsIn(body: string): string[] {
  return [...new Set(body.match(UUID) ?? [])];
}

/** An admin client for Directus's REST API, used to check what the app did (or did not do). */
export class DirectusAdmin {
  private token = "";
  constructor(
    readonly url: string,
    private readonly email: string,
    private readonly password: string,
  ) {}

  private async login() {
    const response = await fetch(`${this.url}/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: this.email, password: this.password }),
    });
    if (!response.ok) throw new Error(`admin login failed: ${response.status}`);
    this.token = ((await response.json()) as { data: { access_token: string } }).data.access_token;
  }

  /** GET/POST/PATCH as admin; logs in again when the (short, in tests) access token has expired. */
  async call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    for (let attempt = 0; ; attempt++) {
      if (!this.token) await this.login();
      const response = await fetch(`${this.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status === 401 && attempt === 0) {
        this.token = "";
        continue;
      }
      const text = await response.text();
      return { status: response.status, data: text ? (JSON.parse(text) as { data: T }).data : (null as T) };
    }
  }

  async count(collection: "posts" | "users"): Promise<number> {
    const path = collection === "users" ? "/users" : "/items/posts";
    const reply = await this.call<Array<{ count: number | string }>>("GET", `${path}?aggregate[count]=*`);
    return Number(reply.data[0]?.count);
  }
}
