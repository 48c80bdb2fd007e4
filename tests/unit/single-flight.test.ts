import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionTokens } from "#app/server/session.server.ts";

type TokensModule = typeof import("#app/server/tokens.server.ts");
let singleFlight: TokensModule["singleFlight"];
let toSessionTokens: TokensModule["toSessionTokens"];

beforeAll(async () => {
  // tokens.server.ts pulls in the configuration, which must not invent a local secret file during tests.
  vi.stubEnv("SESSION_SECRET", "s".repeat(40));
  vi.stubEnv("DIRECTUS_URL", "http://127.0.0.1:9");
  vi.resetModules();
  ({ singleFlight, toSessionTokens } = await import("#app/server/tokens.server.ts"));
  vi.unstubAllEnvs();
});

afterEach(() => {
  vi.useRealTimers();
});

function tokensFor(refreshToken: string, n: number): SessionTokens {
  return { accessToken: `access-${refreshToken}-${n}`, refreshToken: `next-${refreshToken}-${n}`, expiresAt: 1_000 + n };
}

/** A refresher that counts its calls and settles only when told to. */
function controllableRefresher() {
  const pending: Array<{ resolve: (tokens: SessionTokens) => void; reject: (error: unknown) => void; token: string }> = [];
  const refresher = vi.fn(
    (token: string) => new Promise<SessionTokens>((resolve, reject) => pending.push({ resolve, reject, token })),
  );
  return { refresher, pending };
}

describe("singleFlight", () => {
  it("makes one call for concurrent callers with the same refresh token, and gives both the same tokens", async () => {
    const { refresher, pending } = controllableRefresher();
    const refresh = singleFlight(refresher, 1_000);

    const first = refresh("rt-1");
    const second = refresh("rt-1");
    expect(refresher).toHaveBeenCalledTimes(1);
    pending[0]!.resolve(tokensFor("rt-1", 1));

    const [a, b] = await Promise.all([first, second]);
    expect(a).toEqual(tokensFor("rt-1", 1));
    expect(b).toBe(a);
  });

  it("makes separate calls for different refresh tokens", async () => {
    const { refresher, pending } = controllableRefresher();
    const refresh = singleFlight(refresher, 1_000);

    const one = refresh("rt-a");
    const two = refresh("rt-b");
    expect(refresher).toHaveBeenCalledTimes(2);
    expect(refresher.mock.calls.map(([token]) => token)).toEqual(["rt-a", "rt-b"]);
    pending[0]!.resolve(tokensFor("rt-a", 1));
    pending[1]!.resolve(tokensFor("rt-b", 1));
    expect((await one).accessToken).toBe("access-rt-a-1");
    expect((await two).accessToken).toBe("access-rt-b-1");
  });

  it("does not cache a failure: the next caller tries again", async () => {
    const refresher = vi
      .fn<(token: string) => Promise<SessionTokens>>()
      .mockRejectedValueOnce(new TypeError("fetch failed"))
      .mockResolvedValueOnce(tokensFor("rt-1", 2));
    const refresh = singleFlight(refresher, 60_000);

    await expect(refresh("rt-1")).rejects.toThrow("fetch failed");
    await expect(refresh("rt-1")).resolves.toEqual(tokensFor("rt-1", 2));
    expect(refresher).toHaveBeenCalledTimes(2);
  });

  it("shares a failure among the callers that were already waiting", async () => {
    const { refresher, pending } = controllableRefresher();
    const refresh = singleFlight(refresher, 1_000);
    const first = refresh("rt-1");
    const second = refresh("rt-1");
    pending[0]!.reject(new Error("INVALID_CREDENTIALS"));
    await expect(first).rejects.toThrow("INVALID_CREDENTIALS");
    await expect(second).rejects.toThrow("INVALID_CREDENTIALS");
    expect(refresher).toHaveBeenCalledTimes(1);
  });

  it("reuses a success within the window, then calls again after it", async () => {
    vi.useFakeTimers();
    let n = 0;
    const refresher = vi.fn(async (token: string) => tokensFor(token, ++n));
    const refresh = singleFlight(refresher, 10_000);

    const first = await refresh("rt-1");
    await vi.advanceTimersByTimeAsync(9_000);
    // A request that left the browser with the old cookie gets the same new tokens.
    expect(await refresh("rt-1")).toBe(first);
    expect(refresher).toHaveBeenCalledTimes(1);

    await vi.advanceTimersByTimeAsync(1_001);
    const later = await refresh("rt-1");
    expect(refresher).toHaveBeenCalledTimes(2);
    expect(later).toEqual(tokensFor("rt-1", 2));
  });
});

describe("toSessionTokens", () => {
  it("turns Directus's relative expiry into an absolute time", () => {
    expect(toSessionTokens({ access_token: "a", refresh_token: "r", expires: 900_000 }, 1_000)).toEqual({
      accessToken: "a",
      refreshToken: "r",
      expiresAt: 901_000,
    });
  });

  it.each([
    { access_token: null, refresh_token: "r", expires: 1 },
    { access_token: "a", refresh_token: null, expires: 1 },
    { access_token: "a", refresh_token: "r", expires: null },
  ])("refuses an incomplete token set %o", (data) => {
    expect(() => toSessionTokens(data)).toThrow("incomplete");
  });
});
