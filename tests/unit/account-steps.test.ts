// The named steps of the account flows: one at a time, each ending on time, and a login ends them.
import { createSession } from "react-router";
import { describe, expect, it } from "vitest";
import { beginStep, currentStep, endStep } from "#app/server/account-steps.server.ts";
import type { AppSession, SessionState } from "#app/server/session.server.ts";

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;

function state(): SessionState {
  return { session: createSession() as AppSession, changed: false };
}

describe("account steps in the session", () => {
  it("hold one step, readable by its own name only, and mark the cookie for writing", () => {
    const s = state();
    beginStep(s, { name: "verification-sent", email: "ada@example.com" }, { now: NOW });
    expect(s.changed).toBe(true);
    expect(currentStep(s, "verification-sent", NOW)).toEqual({ name: "verification-sent", email: "ada@example.com", until: NOW + 24 * HOUR });
    expect(currentStep(s, "password-reset", NOW)).toBeNull();

    beginStep(s, { name: "password-reset", email: "ada@example.com", token: "t.o.k" }, { now: NOW });
    expect(currentStep(s, "verification-sent", NOW)).toBeNull();
    expect(currentStep(s, "password-reset", NOW)?.token).toBe("t.o.k");
  });

  it("end at their deadline, or earlier when the link they carry ends first", () => {
    const s = state();
    beginStep(s, { name: "password-reset", email: "ada@example.com", token: "t.o.k" }, { now: NOW, notAfter: NOW + 10 * 60_000 });
    expect(currentStep(s, "password-reset", NOW + 10 * 60_000 - 1)).not.toBeNull();
    expect(currentStep(s, "password-reset", NOW + 10 * 60_000)).toBeNull();
    // The expired step is gone from the session, not just hidden.
    expect(s.session.has("step")).toBe(false);

    beginStep(s, { name: "email-verified", email: "ada@example.com" }, { now: NOW });
    expect(currentStep(s, "email-verified", NOW + 15 * 60_000)).toBeNull();
  });

  it("end on request, and a session without one is left untouched", () => {
    const s = state();
    endStep(s);
    expect(s.changed).toBe(false);
    beginStep(s, { name: "email-verified", email: "ada@example.com" }, { now: NOW });
    endStep(s);
    expect(currentStep(s, "email-verified", NOW)).toBeNull();
  });
});
