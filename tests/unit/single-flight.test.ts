import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionTokens } from "#app/server/session/session.server.ts";

type TokensModule = typeof import("#app/server/session/tokens.server.ts");
let singleFlight: TokensModule["singleFlight"];

beforeAll(async () => {
  // tokens.server.ts pulls in the configuration, which must not invent a local secret file during tests.
  vi.stubEnv("SESSION_SECRET", "s".repeat(40));
  vi.stubEnv("DIRECTUS_URL", "http://127.0.0.1:9");
  vi.resetModules();
  ({ singleFlight } = await import("#app/server/session/tokens.server.ts"));
  vi.unstubAllEnvs();
});

afterEach(() => {
  vi.useRealTimers();
});

function tokensFor(token: string, n: number): SessionTokens {
  return { accessToken: `access-${token}-${n}`, expiresAt: 2_000 + n, renewAt: 1_000 + n };
}

/** A refresher that counts its calls and settles only when told to. */
function controllableRefresher() {
  const pending: Array<{ resolve: (tokens: SessionTokens) => void; reject: (error: unknown) => void; token: string }> = [];
  const refresher = vi.fn(
    (token: string, _ip: string | null) => new Promise<SessionTokens>((resolve, reject) => pending.push({ resolve, reject, token })),
  );
  return { refresher, pending };
}

describe("singleFlight", () => {
  it("makes one call for concurrent callers with the same session token, and gives both the same tokens", async () => {
    const { refresher, pending } = controllableRefresher();
    const refresh = singleFlight(refresher, 1_000);

    const first = refresh("rt-1", null);
    const second = refresh("rt-1", null);
    expect(refresher).toHaveBeenCalledTimes(1);
    pending[0]!.resolve(tokensFor("rt-1", 1));

    const [a, b] = await Promise.all([first, second]);
    expect(a).toEqual(tokensFor("rt-1", 1));
    expect(b).toBe(a);
  });

  it("makes separate calls for different session tokens", async () => {
    const { refresher, pending } = controllableRefresher();
    const refresh = singleFlight(refresher, 1_000);

    const one = refresh("rt-a", null);
    const two = refresh("rt-b", null);
    expect(refresher).toHaveBeenCalledTimes(2);
    expect(refresher.mock.calls.map(([token]) => token)).toEqual(["rt-a", "rt-b"]);
    pending[0]!.resolve(tokensFor("rt-a", 1));
    pending[1]!.resolve(tokensFor("rt-b", 1));
    expect((await one).accessToken).toBe("access-rt-a-1");
    expect((await two).accessToken).toBe("access-rt-b-1");
  });

  it("does not cache a failure: the next caller tries again", async () => {
    const refresher = vi
      .fn<(token: string, ip: string | null) => Promise<SessionTokens>>()
      .mockRejectedValueOnce(new TypeError("fetch failed"))
      .mockResolvedValueOnce(tokensFor("rt-1", 2));
    const refresh = singleFlight(refresher, 60_000);

    await expect(refresh("rt-1", null)).rejects.toThrow("fetch failed");
    await expect(refresh("rt-1", null)).resolves.toEqual(tokensFor("rt-1", 2));
    expect(refresher).toHaveBeenCalledTimes(2);
  });

  it("shares a failure among the callers that were already waiting", async () => {
    const { refresher, pending } = controllableRefresher();
    const refresh = singleFlight(refresher, 1_000);
    const first = refresh("rt-1", null);
    const second = refresh("rt-1", null);
    pending[0]!.reject(new Error("INVALID_CREDENTIALS"));
    await expect(first).rejects.toThrow("INVALID_CREDENTIALS");
    await expect(second).rejects.toThrow("INVALID_CREDENTIALS");
    expect(refresher).toHaveBeenCalledTimes(1);
  });

  it("reuses a success within the window, then calls again after it", async () => {
    vi.useFakeTimers();
    let n = 0;
    const refresher = vi.fn(async (token: string, _ip: string | null) => tokensFor(token, ++n));
    const refresh = singleFlight(refresher, 10_000);

    const first = await refresh("rt-1", null);
    await vi.advanceTimersByTimeAsync(9_000);
    // A request that left the browser with the old cookie gets the same new tokens.
    expect(await refresh("rt-1", null)).toBe(first);
    expect(refresher).toHaveBeenCalledTimes(1);

    await vi.advanceTimersByTimeAsync(1_001);
    const later = await refresh("rt-1", null);
    expect(refresher).toHaveBeenCalledTimes(2);
    expect(later).toEqual(tokensFor("rt-1", 2));
  });
});
