// The local mail sink, fed by the mailer Directus itself uses (its nodemailer), configured from the
// very settings the embedded Directus gets: what arrives is kept as files a test or a script can read.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { directusAccountEnv } from "../../scripts/lib/directus-process.mjs";
import { describeMessage, linksIn, readMessages, startMailSink, waitForMessage, type MailSink } from "../../scripts/lib/mail-sink.mjs";
import { directusBin } from "../../scripts/lib/runtime.mjs";

const nodemailer = createRequire(directusBin)("nodemailer");

/** A transport built the way Directus 11.17.4's mailer.js builds its SMTP one, from the same variables. */
function directusTransport(env: Record<string, string>) {
  return nodemailer.createTransport({
    host: env.EMAIL_SMTP_HOST,
    port: Number(env.EMAIL_SMTP_PORT),
    secure: env.EMAIL_SMTP_SECURE === "true",
    ignoreTLS: env.EMAIL_SMTP_IGNORE_TLS === "true",
    auth: false,
  });
}

let dir: string;
let sink: MailSink;
const seen: string[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mail-sink-"));
  sink = await startMailSink({ dir: join(dir, "mail"), onMessage: (message) => seen.push(message.subject) });
});
afterEach(async () => {
  await sink.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("the mail sink", () => {
  it("keeps a message Directus's mailer sends, as .eml and .json, with its links", async () => {
    const env = directusAccountEnv({ appUrl: "http://localhost:4321", smtpPort: sink.port });
    expect(env).toMatchObject({ EMAIL_TRANSPORT: "smtp", EMAIL_SMTP_HOST: "127.0.0.1", EMAIL_SMTP_PORT: String(sink.port) });
    const link = "http://localhost:4321/verify-email?token=abc.def.ghi";
    await directusTransport(env).sendMail({
      from: env.EMAIL_FROM,
      to: "José@example.com",
      subject: "Verify your email address",
      html: `<p>Hello</p><a class='button' href='${link}'>Verify email</a>`,
    });

    const message = await waitForMessage(sink.dir, (m) => m.subject === "Verify your email address");
    expect(message.to).toEqual(["José@example.com"]);
    expect(message.from).toBe("no-reply@example.com");
    expect(message.links).toEqual([link]);
    expect(seen).toEqual(["Verify your email address"]);
    expect(describeMessage(message)).toBe(`to José@example.com: Verify your email address\n  ${link}`);

    const files = (await readdir(sink.dir)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/\.eml$/);
    expect(await readFile(join(sink.dir, files[0]!), "utf8")).toContain("Subject: Verify your email address");
    expect(await readMessages(sink.dir)).toEqual([message]);
  });

  it("puts the app's four account links on the allow lists of Directus and its account-security extension, and the app's origin for passkeys", () => {
    expect(directusAccountEnv({ appUrl: "https://app.example.com/" })).toEqual({
      USER_REGISTER_URL_ALLOW_LIST: "https://app.example.com/verify-email",
      PASSWORD_RESET_URL_ALLOW_LIST: "https://app.example.com/reset-password",
      ACCOUNT_EMAIL_CHANGE_URL_ALLOW_LIST: "https://app.example.com/confirm-email",
      ACCOUNT_UNLOCK_URL_ALLOW_LIST: "https://app.example.com/login/unlock",
      APP_URL: "https://app.example.com",
    });
  });

  it("reads links quoted either way, with escaped ampersands decoded", () => {
    expect(linksIn(`<a href="https://a.example/x?t=1&amp;u=2">a</a><a href='https://b.example/'>b</a>`)).toEqual([
      "https://a.example/x?t=1&u=2",
      "https://b.example/",
    ]);
  });

  it("gives up waiting with a message naming the folder", async () => {
    await expect(waitForMessage(sink.dir, () => true, { timeoutMs: 200 })).rejects.toThrow(`no matching message arrived in ${sink.dir}`);
  });
});
