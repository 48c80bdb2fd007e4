import { RouterContextProvider } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";

const OLD = "o".repeat(40);
const NEW = "n".repeat(40);

// Not yet due for renewal, so the middleware writes them back as they are.
const tokens = { accessToken: "a".repeat(400), expiresAt: 4_000_000_000_000, renewAt: 3_900_000_000_000 };
const user = { id: "u1", email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" };

// config.server.ts reads SESSION_SECRET once, at import: each "deployment" gets fresh modules.
async function deploy(secrets: string) {
  vi.stubEnv("NODE_ENV", "test");
  vi.stubEnv("DIRECTUS_URL", "http://127.0.0.1:9");
  vi.stubEnv("SESSION_SECRET", secrets);
  vi.resetModules();
  const session = await import("#app/server/session/session.server.ts");
  const { sessionMiddleware } = await import("#app/server/session/session-middleware.server.ts");
  return { ...session, sessionMiddleware };
}

async function signedCookie(secrets: string): Promise<string> {
  const { sessionStorage } = await deploy(secrets);
  const session = await sessionStorage.getSession();
  session.set("tokens", tokens);
  session.set("user", user);
  return (await sessionStorage.commitSession(session)).split(";")[0]!;
}

type Middleware = Awaited<ReturnType<typeof deploy>>["sessionMiddleware"];

async function runMiddleware(middleware: Middleware, cookie: string): Promise<Response> {
  const args = {
    request: new Request("http://app.test/dashboard", { headers: { Cookie: cookie } }),
    context: new RouterContextProvider(),
    params: {},
  } as unknown as Parameters<Middleware>[0];
  const result = await middleware(args, async () => new Response("ok"));
  if (!(result instanceof Response)) throw new Error("the session middleware must return the response");
  return result;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("rotating SESSION_SECRET", () => {
  it("still opens a session signed with the previous secret and knows it is old", async () => {
    const cookie = await signedCookie(OLD);
    const { sessionStorage, isSignedWithOlderSecret } = await deploy(`${NEW},${OLD}`);

    const session = await sessionStorage.getSession(cookie);
    expect(session.get("tokens")).toEqual(tokens);
    expect(session.get("user")).toEqual(user);
    expect(await isSignedWithOlderSecret(cookie)).toBe(true);
  });

  it("does not call a cookie signed with the newest secret old", async () => {
    const cookie = await signedCookie(NEW);
    const { isSignedWithOlderSecret } = await deploy(`${NEW},${OLD}`);
    expect(await isSignedWithOlderSecret(cookie)).toBe(false);
  });

  it("re-signs an old cookie with the new secret on the way out", async () => {
    const oldCookie = await signedCookie(OLD);
    const { sessionMiddleware } = await deploy(`${NEW},${OLD}`);

    const response = await runMiddleware(sessionMiddleware, oldCookie);
    expect(await response.text()).toBe("ok");
    const setCookie = response.headers.get("Set-Cookie");
    expect(setCookie).not.toBeNull();

    // Once the old secret is retired, the re-signed cookie still opens.
    const { sessionStorage } = await deploy(NEW);
    const reopened = await sessionStorage.getSession(setCookie!.split(";")[0]!);
    expect(reopened.get("tokens")).toEqual(tokens);
    expect(reopened.get("user")).toEqual(user);
  });

  it("leaves a current cookie alone (no Set-Cookie on every response)", async () => {
    const cookie = await signedCookie(NEW);
    const { sessionMiddleware } = await deploy(`${NEW},${OLD}`);
    const response = await runMiddleware(sessionMiddleware, cookie);
    expect(response.headers.get("Set-Cookie")).toBeNull();
  });

  it("does not resurrect a cookie signed with an unknown secret", async () => {
    const cookie = await signedCookie("x".repeat(40));
    const { sessionMiddleware, sessionStorage } = await deploy(`${NEW},${OLD}`);
    expect((await sessionStorage.getSession(cookie)).has("tokens")).toBe(false);
    const response = await runMiddleware(sessionMiddleware, cookie);
    expect(response.headers.get("Set-Cookie")).toBeNull();
  });
});
