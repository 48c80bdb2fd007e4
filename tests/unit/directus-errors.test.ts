import { createDirectus, readMe, rest } from "@directus/sdk";
import { isRouteErrorResponse } from "react-router";
import { describe, expect, it } from "vitest";
import { classifyDirectusError, directusFailureResponse, type DirectusFailure } from "#app/server/directus/directus-errors.server.ts";
import { failureMessage, failureStatus } from "#app/server/directus/failure-messages.server.ts";

/** What @directus/sdk rejects with when Directus answers with an error body. */
function directusError(status: number, code: string, extra: Record<string, unknown> = {}, message = `${code} happened`) {
  return { errors: [{ message, extensions: { code, ...extra } }], response: new Response(null, { status }) };
}

describe("classifyDirectusError", () => {
  it("calls a refused connection unavailable", async () => {
    // Port 9 (discard) is closed on a test machine: this is the real TypeError fetch throws.
    const error = await fetch("http://127.0.0.1:9/server/ping").then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(classifyDirectusError(error)).toEqual({ kind: "unavailable" });
    expect(classifyDirectusError(new TypeError("fetch failed"))).toEqual({ kind: "unavailable" });
  });

  it("calls a deadline that ran out unavailable", () => {
    expect(classifyDirectusError(new DOMException("The operation was aborted due to timeout", "TimeoutError"))).toEqual({
      kind: "unavailable",
    });
    expect(classifyDirectusError(new DOMException("aborted", "AbortError"))).toEqual({ kind: "unavailable" });
  });

  it.each<[string, ReturnType<typeof directusError>, DirectusFailure["kind"]]>([
    ["401 INVALID_CREDENTIALS", directusError(401, "INVALID_CREDENTIALS"), "unauthorized"],
    ["401 TOKEN_EXPIRED", directusError(401, "TOKEN_EXPIRED"), "unauthorized"],
    ["429 with no code Directus recognises", directusError(429, "SOMETHING"), "rate-limited"],
    ["429 REQUESTS_EXCEEDED", directusError(429, "REQUESTS_EXCEEDED"), "rate-limited"],
    ["403 FORBIDDEN", directusError(403, "FORBIDDEN"), "forbidden"],
    ["404 ROUTE_NOT_FOUND", directusError(404, "ROUTE_NOT_FOUND"), "not-found"],
    ["503 SERVICE_UNAVAILABLE", directusError(503, "SERVICE_UNAVAILABLE"), "unavailable"],
  ])("classifies %s", (_label, error, kind) => {
    expect(classifyDirectusError(error).kind).toBe(kind);
  });

  it("keeps the code and field of a 400 RECORD_NOT_UNIQUE, never Directus's text", () => {
    const error = directusError(400, "RECORD_NOT_UNIQUE", { field: "email", value: "ada@example.com" }, 'Value for field "email" has to be unique.');
    expect(classifyDirectusError(error)).toEqual({ kind: "invalid", problems: [{ code: "RECORD_NOT_UNIQUE", field: "email", rule: null }] });
  });

  it("gives a 400 without a field a null field", () => {
    expect(classifyDirectusError(directusError(400, "INVALID_PAYLOAD"))).toEqual({
      kind: "invalid",
      problems: [{ code: "INVALID_PAYLOAD", field: null, rule: null }],
    });
  });

  it("calls anything else unknown, with the status when there is one", () => {
    expect(classifyDirectusError(new Error("boom"))).toEqual({ kind: "unknown", status: null });
    expect(classifyDirectusError("a string")).toEqual({ kind: "unknown", status: null });
    expect(classifyDirectusError({ errors: [] })).toEqual({ kind: "unknown", status: null });
    expect(classifyDirectusError(directusError(418, "TEAPOT"))).toEqual({ kind: "unknown", status: 418 });
  });
});

/** What the real SDK rejects with when Directus (or a proxy in front of it) answers with this response. */
async function sdkRejection(response: Response): Promise<unknown> {
  const client = createDirectus("http://directus.test", { globals: { fetch: async () => response } }).with(rest());
  return client.request(readMe()).then(
    () => {
      throw new Error("expected the SDK to reject");
    },
    (error: unknown) => error,
  );
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

describe("classifyDirectusError with the SDK's own rejections", () => {
  it("reads a 401 INVALID_CREDENTIALS body", async () => {
    const error = await sdkRejection(json(401, { errors: [{ message: "Invalid user credentials.", extensions: { code: "INVALID_CREDENTIALS" } }] }));
    expect(classifyDirectusError(error)).toEqual({ kind: "unauthorized" });
  });

  it("calls a proxy's HTML 502 in front of a stopped Directus unavailable", async () => {
    const error = await sdkRejection(new Response("<html>Bad Gateway</html>", { status: 502, headers: { "Content-Type": "text/html" } }));
    expect(classifyDirectusError(error)).toEqual({ kind: "unavailable" });
  });

  it("survives an error body with an empty errors list", async () => {
    const error = await sdkRejection(json(500, { errors: [] }));
    expect(classifyDirectusError(error)).toEqual({ kind: "unknown", status: 500 });
  });
});

describe("failure messages and statuses", () => {
  it("tells a refused login 401 and a neutral message", () => {
    const failure = classifyDirectusError(directusError(401, "INVALID_CREDENTIALS"));
    expect(failureStatus(failure)).toBe(401);
    expect(failureMessage(failure)).toBe("Invalid email or password");
  });

  it("answers an unreachable Directus with 503", () => {
    const failure = classifyDirectusError(new TypeError("fetch failed"));
    expect(failureStatus(failure)).toBe(503);
    expect(failureMessage(failure)).toMatch(/not answering/i);
  });

  it.each<[DirectusFailure, number]>([
    [{ kind: "rate-limited" }, 429],
    [{ kind: "forbidden" }, 403],
    [{ kind: "not-found" }, 404],
    [{ kind: "invalid", problems: [{ code: "X", field: null, rule: null }] }, 400],
    [{ kind: "unknown", status: 500 }, 502],
  ])("maps %o to %i", (failure, status) => {
    expect(failureStatus(failure)).toBe(status);
    expect(failureMessage(failure).length).toBeGreaterThan(0);
  });

  it("never shows Directus's own message for invalid input", () => {
    const failure = classifyDirectusError(directusError(400, "X", {}, "Bad title"));
    expect(failureMessage(failure)).not.toContain("Bad title");
  });
});

describe("directusFailureResponse", () => {
  it("throws an error response with the fitting status and message", () => {
    let thrown: unknown;
    try {
      directusFailureResponse(directusError(403, "FORBIDDEN"));
    } catch (error) {
      thrown = error;
    }
    // data() throws a DataWithResponseInit; React Router turns it into the route's error response.
    expect(thrown).toMatchObject({ init: { status: 403 }, data: { message: "You don't have permission to do that." } });
    expect(isRouteErrorResponse(thrown)).toBe(false);
  });
});

describe("classifyDirectusError and route responses", () => {
  it("rethrows a redirect or an error page thrown from inside a call, untouched", async () => {
    const { data, redirect } = await import("react-router");
    const toLogin = redirect("/login");
    const page = data({ message: "gone" }, { status: 404 });
    expect(() => classifyDirectusError(toLogin)).toThrow(expect.objectContaining({ status: 302 }));
    for (const thrown of [toLogin, page]) {
      let caught: unknown;
      try {
        classifyDirectusError(thrown);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBe(thrown);
    }
  });
});
