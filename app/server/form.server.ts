// Reading a submitted form without letting a malformed body become a 500. Every action that
// takes a form reads it here first, so all of them refuse the same things with the same messages.
import { data } from "react-router";

const formTypes = ["application/x-www-form-urlencoded", "multipart/form-data"];

// The largest legitimate form (100,000 characters of content, each up to 4 UTF-8 bytes, percent-encoded) stays below this.
export const MAX_FORM_BYTES = 2 * 1024 * 1024;

const TOO_LARGE = "This form is too large to send.";

export async function readForm(request: Request): Promise<FormData> {
  const type = request.headers.get("Content-Type")?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!formTypes.includes(type)) {
    throw data({ message: "Send this form as an HTML form submission." }, { status: 415 });
  }
  const declared = Number(request.headers.get("Content-Length") ?? 0);
  if (declared > MAX_FORM_BYTES) throw data({ message: TOO_LARGE }, { status: 413 });
  let form: FormData;
  try {
    const body = await readLimited(request);
    form = await new Response(body, { headers: { "Content-Type": request.headers.get("Content-Type") ?? "" } }).formData();
  } catch (error) {
    if (error instanceof TooLarge) throw data({ message: TOO_LARGE }, { status: 413 });
    throw data({ message: "The form could not be read. Please try again." }, { status: 400 });
  }
  // No form in this app uploads files; a file part would otherwise be an error with nowhere to show.
  for (const value of form.values()) {
    if (typeof value !== "string") throw data({ message: "This form takes no files." }, { status: 400 });
  }
  return form;
}

class TooLarge extends Error {}

// Content-Length can be absent (chunked) or wrong, so the bytes are counted as they arrive.
async function readLimited(request: Request): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_FORM_BYTES) throw new TooLarge();
      chunks.push(chunk);
    }
  }
  const body = new Uint8Array(new ArrayBuffer(size));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
