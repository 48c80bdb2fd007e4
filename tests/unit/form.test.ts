// Reading a form body: every limit answers with its status before the rest of the body is read,
// so the work a request causes is bounded by the limits, not by what it sends.
import { describe, expect, it } from "vitest";
import { FORM_LIMITS, readForm } from "#app/server/http/form.server.ts";

const URLENCODED = "application/x-www-form-urlencoded";
const encoder = new TextEncoder();

/** A POST whose body arrives chunk by chunk from `chunks` (possibly endless), counting the chunks the reader pulled. */
function streamed(chunks: Iterable<string>, contentType = URLENCODED, headers: Record<string, string> = {}) {
  const iterator = chunks[Symbol.iterator]();
  let pulled = 0;
  let bytes = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = iterator.next();
        if (next.done) return controller.close();
        const chunk = encoder.encode(next.value);
        pulled++;
        bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  const request = new Request("http://app.test/login", {
    method: "POST",
    body,
    headers: { "Content-Type": contentType, ...headers },
    duplex: "half",
  } as RequestInit);
  return { request, pulled: () => pulled, bytes: () => bytes };
}

function post(body: BodyInit, contentType?: string) {
  return new Request("http://app.test/login", { method: "POST", body, headers: contentType ? { "Content-Type": contentType } : {} });
}

/** The status and message readForm refused with; fails the test if it accepted. */
async function refusal(request: Request): Promise<{ status: number; message: string }> {
  try {
    await readForm(request);
  } catch (thrown) {
    const { data, init } = thrown as { data: { message: string }; init: { status: number } };
    return { status: init.status, message: data.message };
  }
  throw new Error("the form was accepted");
}

function* endless(make: (i: number) => string) {
  for (let i = 0; ; i++) yield make(i);
}

function* oneFieldPerChunk(count: number) {
  for (let i = 0; i < count; i++) yield `f${i}=&`;
}

const multipart = (parts: string[]) =>
  parts.map((part) => `--B\r\n${part}\r\n`).join("") + "--B--\r\n";
const textPart = (name: string, value: string) => `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`;

describe("readForm limits", () => {
  it("refuses 10,000 fields with 413 after reading only a few more than the limit", async () => {
    const body = streamed(oneFieldPerChunk(10_000));
    expect(await refusal(body.request)).toEqual({ status: 413, message: "This form has too many fields." });
    expect(body.pulled()).toBeLessThanOrEqual(FORM_LIMITS.fields + 2);
  });

  it("refuses 10,000 fields sent in one chunk", async () => {
    const fields = Array.from({ length: 10_000 }, (_, i) => `${i.toString(36)}=`).join("&");
    expect((await refusal(post(fields, URLENCODED))).status).toBe(413);
  });

  it("refuses endless multipart parts with 413", async () => {
    const body = streamed(endless((i) => `--B\r\n${textPart(`f${i}`, "x")}\r\n`), "multipart/form-data; boundary=B");
    expect(await refusal(body.request)).toEqual({ status: 413, message: "This form has too many fields." });
    expect(body.pulled()).toBeLessThanOrEqual(FORM_LIMITS.fields + 2);
  });

  it("refuses a value longer than the field limit", async () => {
    const body = `email=${"x".repeat(FORM_LIMITS.fieldBytes + 1)}&password=x`;
    expect(await refusal(post(body, URLENCODED))).toEqual({ status: 413, message: "A field in this form is too long." });
  });

  it("stops reading an endless value at the body limit", async () => {
    const chunk = "x".repeat(64 * 1024);
    const body = streamed((function* () {
      yield "email=";
      yield* endless(() => chunk);
    })());
    expect((await refusal(body.request)).status).toBe(413);
    expect(body.bytes()).toBeLessThanOrEqual(FORM_LIMITS.bodyBytes + chunk.length);
  });

  it("refuses a multipart value longer than the field limit", async () => {
    const form = multipart([textPart("content", "x".repeat(FORM_LIMITS.fieldBytes + 1))]);
    expect((await refusal(post(form, "multipart/form-data; boundary=B"))).status).toBe(413);
  });

  it.each([
    ["urlencoded", `${"n".repeat(FORM_LIMITS.fieldNameBytes + 1)}=x`, URLENCODED],
    ["multipart", multipart([textPart("n".repeat(FORM_LIMITS.fieldNameBytes + 1), "x")]), "multipart/form-data; boundary=B"],
  ])("refuses a %s field name longer than the limit", async (_label, body, type) => {
    expect(await refusal(post(body, type))).toEqual({ status: 413, message: "A field name in this form is too long." });
  });

  it("refuses a body over the limit that declares no length, reading no further than the limit", async () => {
    // Fields within their count and size limits (a few just under the longest value), only the total too large.
    const chunk = "x".repeat(Math.floor(FORM_LIMITS.fieldBytes / 5) - 10);
    const body = streamed(endless((i) => (i % 6 === 0 ? `&f${i}=` : chunk)));
    expect(await refusal(body.request)).toEqual({ status: 413, message: "This form is too large to send." });
    expect(body.bytes()).toBeLessThanOrEqual(FORM_LIMITS.bodyBytes + chunk.length);
  });

  it("refuses a declared Content-Length over the limit before reading anything", async () => {
    const body = streamed(endless(() => "x"), URLENCODED, { "Content-Length": String(FORM_LIMITS.bodyBytes + 1) });
    expect((await refusal(body.request)).status).toBe(413);
    expect(body.pulled()).toBe(0);
  });
});

describe("readForm refusals kept from before", () => {
  it.each([
    ["JSON", "{}", "application/json"],
    ["plain text", "a=b", "text/plain"],
    ["no content type", new Blob(["a=b"]), undefined],
  ])("answers 415 to %s", async (_label, body, type) => {
    expect(await refusal(post(body, type))).toEqual({ status: 415, message: "Send this form as an HTML form submission." });
  });

  it.each([
    ["multipart that is not", "garbage", "multipart/form-data; boundary=nope"],
    ["multipart without a boundary", "garbage", "multipart/form-data"],
    ["a broken percent escape", "email=%zz", URLENCODED],
  ])("answers 400 to %s", async (_label, body, type) => {
    expect(await refusal(post(body, type))).toEqual({ status: 400, message: "The form could not be read. Please try again." });
  });

  it("answers 400 to a file", async () => {
    const form = new FormData();
    form.append("email", "ada@example.com");
    form.append("attachment", new Blob(["file contents"], { type: "text/plain" }), "notes.txt");
    expect(await refusal(post(form))).toEqual({ status: 400, message: "This form takes no files." });
  });
});

describe("readForm reads", () => {
  it("a urlencoded form, decoding UTF-8, + and percent escapes, keeping a repeated field twice", async () => {
    const body = new URLSearchParams([["email", "josé@example.com"], ["password", "a b&c=d"], ["email", "again"]]).toString();
    const form = await readForm(post(body, `${URLENCODED};charset=UTF-8`));
    expect([...form]).toEqual([["email", "josé@example.com"], ["password", "a b&c=d"], ["email", "again"]]);
  });

  it("a multipart form as browsers send it", async () => {
    const sent = new FormData();
    sent.append("title", "Hello 😀");
    sent.append("content", "line one\r\nline two");
    const form = await readForm(post(sent));
    expect([...form]).toEqual([["title", "Hello 😀"], ["content", "line one\r\nline two"]]);
  });

  it("an empty body as a form without fields", async () => {
    expect([...(await readForm(post("", URLENCODED)))]).toEqual([]);
  });

  it("the most fields and the longest value the limits allow", async () => {
    const fields = Array.from({ length: FORM_LIMITS.fields }, (_, i) => [`f${i}`, i === 0 ? "é".repeat(FORM_LIMITS.fieldBytes / 2) : "x"]);
    const form = await readForm(post(new URLSearchParams(fields).toString(), URLENCODED));
    expect([...form].length).toBe(FORM_LIMITS.fields);
    expect(form.get("f0")).toHaveLength(FORM_LIMITS.fieldBytes / 2);
  });
});
