// Mailed notices to an account's owner: a passkey added or removed, a recovery code used, recovery
// codes renewed (as account-security tells them of other account changes), through Directus's own
// MailService. No secrets, no links that act.

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

const NOT_YOU_RECOVERY = "If this was not you, sign in, renew your recovery codes, change how you sign in (your password, or your account at its identity provider) and tell the site's administrator.";

/** @param {number} n */
const codesLeft = (n) => (n === 1 ? "1 recovery code remains" : `${n === 0 ? "No" : n} recovery codes remain`);

/**
 * The notice for a recovery code used, to sign in or to turn two-factor sign-in off; no code in it.
 * @param {"sign-in" | "two-factor-off"} kind @param {string} to @param {number} remaining unused codes left @param {Date} [when]
 * @returns {Mail}
 */
export function recoveryUseNotice(kind, to, remaining, when = new Date()) {
  const at = `${when.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const subject = kind === "sign-in" ? "A recovery code was used to sign in to your account" : "A recovery code was used to turn two-factor sign-in off";
  const paragraphs =
    kind === "sign-in"
      ? [`A recovery code was used to sign in to your account (${to}) at ${at}. ${codesLeft(remaining)}.`, ...(remaining <= 2 ? ["Renew them from your profile."] : [])]
      : [`A recovery code was used to turn two-factor sign-in off for your account (${to}) at ${at}. No recovery codes remain: they work only while two-factor sign-in is on.`];
  return mailOf(to, subject, [...paragraphs, NOT_YOU_RECOVERY]);
}

/** The notice for a renewed batch. @param {string} to @param {Date} [when] @returns {Mail} */
export function recoveryRenewalNotice(to, when = new Date()) {
  const at = `${when.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const subject = "Your recovery codes were renewed";
  return mailOf(to, subject, [`New recovery codes were made for your account (${to}) at ${at}. Your old recovery codes no longer work.`, NOT_YOU_RECOVERY]);
}

/** @param {string} to @param {string} subject @param {string[]} paragraphs @returns {Mail} */
function mailOf(to, subject, paragraphs) {
  return { to, subject, text: paragraphs.join("\n\n"), html: [`<h1>${escapeHtml(subject)}</h1>`, ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`)].join("\n") };
}
