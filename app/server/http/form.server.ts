// Reading a submitted form without letting a malformed or oversized body become a 500 or stall the
// server. Every action that takes a form reads it here first, so all of them refuse the same things
// with the same messages, and each limit answers before the work grows with what was sent: the body
// is parsed as it streams in (busboy) and reading stops at the first limit crossed.
import busboy from "busboy";
import { data } from "react-router";
import { limits } from "#app/lib/limits.ts";

export const FORM_LIMITS = {
  // The largest form here (login) has three fields.
  fields: 8,
  // The longest field name here is "redirectTo".
  fieldNameBytes: 64,
  // The longest value (post content) at 3 UTF-8 bytes per UTF-16 unit, the most one unit takes.
  fieldBytes: 3 * limits.contentMax,
  // That value percent-encoded stays below this.
  bodyBytes: 2 * 1024 * 1024,
} as const;

const formTypes = ["application/x-www-form-urlencoded", "multipart/form-data"];

type Refusal = { status: number; message: string };
const NOT_A_FORM: Refusal = { status: 415, message: "Send this form as an HTML form submission." };
const TOO_LARGE: Refusal = { status: 413, message: "This form is too large to send." };
const TOO_MANY_FIELDS: Refusal = { status: 413, message: "This form has too many fields." };
const FIELD_TOO_LONG: Refusal = { status: 413, message: "A field in this form is too long." };
const NAME_TOO_LONG: Refusal = { status: 413, message: "A field name in this form is too long." };
// No form in this app uploads files; a file part would otherwise be an error with nowhere to show.
const FILE: Refusal = { status: 400, message: "This form takes no files." };
const UNREADABLE: Refusal = { status: 400, message: "The form could not be read. Please try again." };

const refuse = ({ status, message }: Refusal) => data({ message }, { status });

export async function readForm(request: Request): Promise<FormData> {
  const contentType = request.headers.get("Content-Type") ?? "";
  if (!formTypes.includes(contentType.split(";")[0]!.trim().toLowerCase())) throw refuse(NOT_A_FORM);
  if (Number(request.headers.get("Content-Length") ?? 0) > FORM_LIMITS.bodyBytes) throw refuse(TOO_LARGE);

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      // One past each limit, so crossing it is seen as a field (or event) rather than silently dropped.
      limits: {
        fields: FORM_LIMITS.fields + 1,
        parts: FORM_LIMITS.fields + 1,
        files: 0,
        fieldNameSize: FORM_LIMITS.fieldNameBytes,
        fieldSize: FORM_LIMITS.fieldBytes,
      },
    });
  } catch {
    throw refuse(UNREADABLE); // e.g. multipart without a boundary
  }

  const form = new FormData();
  let refusal: Refusal | null = null;
  let fields = 0;
  parser.on("field", (name, value, info) => {
    if (refusal) return;
    if (++fields > FORM_LIMITS.fields) refusal = TOO_MANY_FIELDS;
    // busboy truncates long names in urlencoded bodies only; multipart names are measured here.
    else if (info.nameTruncated || Buffer.byteLength(name) > FORM_LIMITS.fieldNameBytes) refusal = NAME_TOO_LONG;
    else if (info.valueTruncated) refusal = FIELD_TOO_LONG;
    else form.append(name, value);
  });
  parser.on("fieldsLimit", () => (refusal ??= TOO_MANY_FIELDS));
  parser.on("partsLimit", () => (refusal ??= TOO_MANY_FIELDS));
  parser.on("filesLimit", () => (refusal ??= FILE));
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on("close", resolve);
    parser.on("error", reject);
  });
  parsed.catch(() => {}); // awaited below unless a limit ends reading first

  const reader = request.body?.getReader();
  let size = 0;
  try {
    while (reader && !refusal && !parser.destroyed) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > FORM_LIMITS.bodyBytes) refusal = TOO_LARGE;
      // Fields are parsed synchronously here, so a limit is seen before the next chunk is read.
      else parser.write(value);
    }
  } catch {
    refusal ??= UNREADABLE; // the body broke off
  } finally {
    // Released, not cancelled: cancelling would reset the connection before the refusal is sent
    // (server.mjs drops the rest of the body once it is).
    reader?.releaseLock();
  }
  if (refusal) {
    parser.destroy();
    throw refuse(refusal);
  }
  parser.end();
  try {
    await parsed;
  } catch {
    throw refuse(UNREADABLE);
  }
  // The last field is only complete at the end of the body.
  if (refusal) throw refuse(refusal);
  return form;
}
