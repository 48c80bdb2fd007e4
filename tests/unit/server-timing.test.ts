import { describe, expect, it } from "vitest";
import { directusMetricName, ServerTiming, timingEntry } from "#app/server/http/server-timing.server.ts";

describe("Server-Timing", () => {
  it("names Directus calls by collection or path, within the token grammar", () => {
    expect(directusMetricName("/items/posts")).toBe("directus-posts");
    expect(directusMetricName("/items/posts/42")).toBe("directus-posts");
    expect(directusMetricName("/auth/refresh")).toBe("directus-auth-refresh");
    expect(directusMetricName("/users/me")).toBe("directus-users-me");
    expect(directusMetricName("/")).toBe("directus-root");
    expect(directusMetricName("/items/my posts;x=1")).toBe("directus-my-posts-x-1");
    expect(directusMetricName('/items/a"b,c')).toBe("directus-a-b-c");
  });

  it("formats one entry with a one-decimal duration and a quoted description", () => {
    expect(timingEntry("directus-posts", 12.345, "GET /items/posts")).toBe('directus-posts;dur=12.3;desc="GET /items/posts"');
    expect(timingEntry("total", 3)).toBe("total;dur=3.0");
    expect(timingEntry("bad name", 1, 'say "hi" \\ bye')).toBe('bad-name;dur=1.0;desc="say \\"hi\\" \\\\ bye"');
  });

  it("by default names every call just `directus`: no path, no item id", () => {
    const timing = new ServerTiming({ start: 100 });
    timing.record("GET", "/items/posts/42", 12.34);
    timing.record("POST", "/auth/refresh", 5);
    expect(timing.header(150.06)).toBe("directus;dur=12.3, directus;dur=5.0, total;dur=50.1");
  });

  it("with detail on, names each call by collection or path and describes it", () => {
    const timing = new ServerTiming({ start: 100, detail: true });
    timing.record("GET", "/items/posts/42", 12.34);
    timing.record("POST", "/auth/refresh", 5);
    expect(timing.header(150.06)).toBe(
      'directus-posts;dur=12.3;desc="GET /items/posts/42", directus-auth-refresh;dur=5.0;desc="POST /auth/refresh", total;dur=50.1',
    );
  });

  it("gives just the total when no Directus call was made", () => {
    expect(new ServerTiming({ start: 0 }).header(1.25)).toBe("total;dur=1.3");
  });
});
