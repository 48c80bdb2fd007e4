// A mailed notice to a passkey's owner when one is added or removed (as account-security tells them
// of other account changes), through Directus's own MailService. No secrets, no links that act.

/** @param {string} text */
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * @typedef {{ to: string, subject: string, text: string, html: string }} Mail
 * @typedef {{ services: { MailService: new (options: object) => { send: (mail: object) => Promise<unknown> } }, database: any, getSchema: () => Promise<unknown> }} MailContext
 */

/** Sends one message through Directus's MailService, in the project's mail layout (template "base"). @param {MailContext} context */
export function mailSender({ services, database, getSchema }) {
  /** @param {Mail} mail */
  return async ({ to, subject, text, html }) => {
    const mailService = new services.MailService({ schema: await getSchema(), knex: database });
    await mailService.send({ to, subject, text, template: { name: "base", data: { html } } });
  };
}

const NOT_YOU = "If this was you, there is nothing to do. If it was not, remove the passkey from your account's Passkeys page, change your password and tell the site's administrator.";

/**
 * The notice for a passkey added or removed. @param {"added" | "removed"} kind @param {string} to
 * @param {string} name the passkey's name @param {Date} [when]
 * @returns {Mail}
 */
export function passkeyNotice(kind, to, name, when = new Date()) {
  const at = `${when.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const subject = kind === "added" ? "A passkey was added to your account" : "A passkey was removed from your account";
  const what =
    kind === "added"
      ? `A passkey named "${name}" was added to your account (${to}) at ${at}: it can now sign in to it without the password.`
      : `The passkey named "${name}" was removed from your account (${to}) at ${at}: it no longer signs in.`;
  const paragraphs = [what, NOT_YOU];
  return {
    to,
    subject,
    text: paragraphs.join("\n\n"),
    html: [`<h1>${escapeHtml(subject)}</h1>`, ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`)].join("\n"),
  };
}
