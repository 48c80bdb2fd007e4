// A 400 from Directus reaches the visitor only as our own words, chosen by error code, under the
// input Directus names: checked with the bodies the real Directus answered with.
import { createDirectus, createItem, rest } from "@directus/sdk";
import { describe, expect, it } from "vitest";
import { classifyDirectusError, type DirectusFailure } from "#app/server/directus/directus-errors.server.ts";
import { failureMessage, failureStatus } from "#app/server/directus/failure-messages.server.ts";
import { postFormFailure } from "#app/server/posts/posts.server.ts";
import { profileFormFailure } from "#app/server/account/profile.server.ts";
import { registrationErrors } from "#app/server/account/registration-errors.server.ts";
import { built400s, captured400s, type DirectusErrorBody } from "./fixtures/directus-400-bodies.ts";

/** What the real SDK rejects with when Directus answers 400 with this body. */
async function failureFor(body: DirectusErrorBody): Promise<DirectusFailure> {
  const response = new Response(JSON.stringify(body), { status: 400, headers: { "Content-Type": "application/json" } });
  const client = createDirectus("http://directus.test", { globals: { fetch: async () => response } }).with(rest());
  const error = await client.request(createItem("posts", { title: "t" })).then(
    () => {
      throw new Error("expected the SDK to reject");
    },
    (rejection: unknown) => rejection,
  );
  return classifyDirectusError(error);
}

/** Every piece of text in a Directus error body that is not the code or a field name we asked about. */
function directusTexts(body: DirectusErrorBody): string[] {
  return body.errors.flatMap(({ message, extensions }) => [
    message,
    ...Object.entries(extensions)
      .filter(([key, value]) => !["code", "field", "type", "path"].includes(key) && typeof value === "string" && value.length > 3)
      .map(([, value]) => value as string),
  ]);
}

const POST_VALUES = { title: "Same title 123", content: "x" };
const PROFILE_VALUES = { firstName: "Ada", lastName: "L" };

/** What each form shows for a failure, without the values the visitor typed (they are echoed on purpose). */
async function everythingShown(body: DirectusErrorBody): Promise<string> {
  const failure = await failureFor(body);
  const { values: _post, ...post } = postFormFailure(failure, POST_VALUES, "a").data;
  const { values: _profile, ...profile } = profileFormFailure(failure, PROFILE_VALUES, "a").data;
  return JSON.stringify([failureMessage(failure), post, profile, registrationErrors(failure)]);
}

describe("Directus's error text never reaches a visitor", () => {
  it.each(Object.entries({ ...captured400s, ...built400s }))("%s", async (_label, body) => {
    const shown = await everythingShown(body);
    for (const text of directusTexts(body)) expect(shown).not.toContain(text);
    expect(shown).not.toMatch(/collection|Validation failed|Invalid payload|posts"/);
  });
});

describe("messages chosen by code, under the field Directus names", () => {
  it("puts a RECORD_NOT_UNIQUE under the title", async () => {
    const failure = await failureFor(captured400s.recordNotUnique);
    expect(failure).toEqual({ kind: "invalid", problems: [{ code: "RECORD_NOT_UNIQUE", field: "title", rule: null }] });
    const answer = postFormFailure(failure, POST_VALUES, "a");
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors).toEqual({ title: expect.stringMatching(/already in use/) });
    expect(answer.data.formError).toBeNull();
  });

  it("puts each of several FAILED_VALIDATION errors under its own field", async () => {
    const failure = await failureFor(captured400s.failedValidationTwoFields);
    const answer = postFormFailure(failure, POST_VALUES, "a");
    expect(Object.keys(answer.data.errors).sort()).toEqual(["content", "title"]);
    expect(answer.data.formError).toBeNull();
  });

  it("calls a value that can't be null required", async () => {
    const answer = postFormFailure(await failureFor(captured400s.failedValidationNull), POST_VALUES, "a");
    expect(answer.data.errors.title).toBe("This field is required.");
  });

  it("puts a profile rule's refusal under the first name", async () => {
    const answer = profileFormFailure(await failureFor(captured400s.failedValidationProfile), PROFILE_VALUES, "a");
    expect(answer.init?.status).toBe(400);
    expect(answer.data.errors).toEqual({ firstName: expect.any(String) });
    expect(answer.data.formError).toBeNull();
  });

  it("tells a refused password and a refused email at registration", async () => {
    expect(registrationErrors(await failureFor(captured400s.failedValidationPasswordPolicy))).toEqual({
      password: "Directus's password policy refused this password. Choose a longer one, or mix in capitals, digits and symbols.",
    });
    expect(registrationErrors(await failureFor(captured400s.invalidPayloadEmail))).toEqual({ email: "Directus refused this email address." });
  });

  it.each<[keyof typeof built400s, RegExp]>([
    ["valueTooLong", /too long/],
    ["notNullViolation", /required/],
  ])("names a %s under its field", async (label, message) => {
    const answer = postFormFailure(await failureFor(built400s[label]), POST_VALUES, "a");
    expect(answer.data.errors.title).toMatch(message);
  });

  it("answers a field the form does not have, or none, for the whole form", async () => {
    const outOfRange = postFormFailure(await failureFor(built400s.valueOutOfRange), POST_VALUES, "a");
    expect(outOfRange.data.errors).toEqual({});
    expect(outOfRange.data.formError).toMatch(/out of range/);

    const foreignKey = postFormFailure(await failureFor(captured400s.invalidForeignKey), POST_VALUES, "a");
    expect(foreignKey.data.errors).toEqual({});
    expect(foreignKey.data.formError).toMatch(/does not exist/);
  });

  it("gives an unknown code a generic message", async () => {
    const failure = await failureFor(built400s.unknownCode);
    expect(failureStatus(failure)).toBe(400);
    expect(failureMessage(failure)).toBe("Directus did not accept this. Check what you entered and try again.");
  });
});
