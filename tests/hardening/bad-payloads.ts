// Submissions no browser form would send, built from one valid submission, and what a proper
// refusal of them looks like; bad-input.test.ts and two-factor.test.ts share them.
import type { HttpSession, Reply } from "../support/http-session.ts";
import { leaksInternals } from "./stack.ts";

export type Payload = { label: string; contentType?: string; body: () => BodyInit };
export type Fields = Array<[string, string]>;

const MB = "x".repeat(1024 * 1024);
export const NUL = "a\u0000b";
const RTL = "\u202Egnp.exe";

export const urlencoded = (label: string, fields: Fields): Payload => ({
  label,
  contentType: "application/x-www-form-urlencoded",
  body: () => new URLSearchParams(fields).toString(),
});

function multipartWithFile(label: string, fields: Fields, fileField: string): Payload {
  return {
    label,
    body: () => {
      const form = new FormData();
      for (const [name, value] of fields) form.append(name, value);
      form.append(fileField, new Blob(["file contents"], { type: "text/plain" }), "notes.txt");
      return form;
    },
  };
}

/**
 * The variants every form-reading action gets, built from one valid submission: each field missing,
 * 1 MB long, repeated and with a NUL, and bodies that are no form. Single-line fields must refuse
 * bidi overrides too; multi-line content may carry them (right-to-left text).
 */
export function variants(valid: Fields, singleLine: string[], multiLine: string[] = []): Payload[] {
  const set = (name: string, value: string): Fields => valid.map(([key, old]) => [key, key === name ? value : old]);
  const perField = (name: string) => [
    urlencoded(`${name} missing`, valid.filter(([key]) => key !== name)),
    urlencoded(`${name} 1 MB`, set(name, MB)),
    urlencoded(`${name} repeated`, [...valid, [name, "second value"]]),
    urlencoded(`${name} with NUL`, set(name, NUL)),
  ];
  const first = singleLine[0]!;
  return [
    urlencoded("no fields at all", []),
    urlencoded("every field empty", valid.map(([key]) => [key, ""])),
    ...singleLine.flatMap((name) => [...perField(name), urlencoded(`${name} with an RTL override`, set(name, RTL))]),
    ...multiLine.flatMap(perField),
    { label: "application/json", contentType: "application/json", body: () => JSON.stringify(Object.fromEntries(valid)) },
    { label: "text/plain", contentType: "text/plain", body: () => valid.map(([key, value]) => `${key}=${value}`).join("\n") },
    { label: "no content type", body: () => new Blob([new URLSearchParams(valid).toString()]) },
    { label: "a form that is not one", contentType: "multipart/form-data; boundary=nope", body: () => "garbage" },
    multipartWithFile("multipart with a file in a known field", valid.filter(([key]) => key !== first), first),
    multipartWithFile("multipart with an extra file", valid, "attachment"),
  ];
}

/** What is wrong with an answer to bad input, or null when it is a proper refusal: 4xx, a message, no internals. */
export function problem(reply: { status: number; body: string }, what: string): string | null {
  if (reply.status < 400 || reply.status >= 500) return `${what}: answered ${reply.status}`;
  if (!/class="field-error"|role="alert"/.test(reply.body)) return `${what}: ${reply.status} with no message on the page`;
  const leak = leaksInternals(reply.body);
  return leak ? `${what}: ${leak}` : null;
}

/** Sends a payload as a same-origin form post would come, without following redirects. */
export function postPayload(client: HttpSession, path: string, payload: Payload): Promise<Reply> {
  return client.request(path, {
    method: "POST",
    body: payload.body(),
    follow: false,
    headers: { Origin: client.origin, ...(payload.contentType ? { "Content-Type": payload.contentType } : {}) },
  });
}
