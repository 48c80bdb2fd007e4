// A local SMTP server that keeps every message it receives as files instead of delivering it, so the
// embedded Directus can send its verification and password-reset emails on any machine, and a
// person, a test or a script can open the links in them. It runs inside the process that starts
// Directus and stops with it, so it never outlives that process.
//
// Each message becomes two files in `dir`: `<name>.eml` (the raw message, which a mail client opens)
// and `<name>.json` ({ receivedAt, from, to, subject, text, html, links }), written last and renamed
// into place, so a reader never sees half a message.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

// Directus's messages are a few kilobytes; anything far larger is not one of them.
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * @param {{ dir: string, port?: number, onMessage?: (message: object) => void }} options
 */
export async function startMailSink({ dir, port = 0, onMessage = () => {} }) {
  // Loaded here: only development and tests run a sink, so production installs need neither package.
  const [{ SMTPServer }, { simpleParser }] = await Promise.all([import("smtp-server"), import("mailparser")]);
  await mkdir(dir, { recursive: true });
  let count = 0;

  const server = new SMTPServer({
    // Loopback only and no credentials: Directus connects without TLS or login (EMAIL_SMTP_IGNORE_TLS).
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    banner: "mail sink: messages are kept as files, never delivered",
    onData(stream, session, callback) {
      const chunks = [];
      stream.on("data", (chunk) => chunks.push(chunk));
      stream.on("end", async () => {
        if (stream.sizeExceeded) return callback(Object.assign(new Error("Message too large"), { responseCode: 552 }));
        try {
          const raw = Buffer.concat(chunks);
          const message = await keep(dir, raw, session, ++count, simpleParser);
          onMessage(message);
          callback();
        } catch (error) {
          callback(error);
        }
      });
    },
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // An SMTP client that misbehaves must not take the process down with it.
  server.on("error", () => {});
  // Never what keeps a process alive: it stops with the Directus it serves, or with this process.
  server.server.unref();

  return {
    port: server.server.address().port,
    dir,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function keep(dir, raw, session, sequence, simpleParser) {
  const parsed = await simpleParser(raw);
  const receivedAt = new Date();
  // Time first, so names sort by arrival; a random tail, as two sinks may share the folder.
  const name = `${receivedAt.getTime()}-${String(sequence).padStart(5, "0")}-${randomBytes(3).toString("hex")}`;
  const html = typeof parsed.html === "string" ? parsed.html : "";
  const message = {
    receivedAt: receivedAt.toISOString(),
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
    to: session.envelope.rcptTo.map((recipient) => recipient.address),
    subject: parsed.subject ?? "",
    text: parsed.text ?? "",
    html,
    links: linksIn(html),
    file: join(dir, `${name}.json`),
  };
  await writeFile(join(dir, `${name}.eml`), raw);
  await writeFile(join(dir, `${name}.json.tmp`), JSON.stringify(message, null, 2));
  await rename(join(dir, `${name}.json.tmp`), message.file);
  return message;
}

/** Every href in an HTML body, with the entities a template may escape in it decoded. */
export function linksIn(html) {
  const links = [];
  for (const match of html.matchAll(/href\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const href = (match[1] ?? match[2] ?? "").replaceAll("&amp;", "&").replaceAll("&#x3D;", "=").replaceAll("&#61;", "=");
    if (href) links.push(href);
  }
  return links;
}

/** The messages kept in `dir`, oldest first. */
export async function readMessages(dir) {
  const names = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith(".json")).sort();
  return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(dir, name), "utf8"))));
}

/**
 * Waits for the first message kept in `dir` that `matches`, for up to `timeoutMs`: Directus sends
 * its mail after it has answered, so a message arrives a moment after the request that caused it.
 */
export async function waitForMessage(dir, matches, { timeoutMs = 15_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await readMessages(dir)).find(matches);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching message arrived in ${dir} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A line for the console: who it went to, its subject and its links. */
export function describeMessage(message) {
  const links = message.links.filter((link) => /^https?:/.test(link));
  return [`to ${message.to.join(", ")}: ${message.subject}`, ...links.map((link) => `  ${link}`)].join("\n");
}
