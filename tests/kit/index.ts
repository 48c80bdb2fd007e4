// The test kit: Playwright's `test` with fixtures for the states an account can be in, and the
// helpers behind them, for the project's e2e specs and for anyone's suite against this app.
// Documented in tests/kit/README.md; the page contract it relies on is in the README.
import { test as base, type Page } from "@playwright/test";
import { makeAccount, signIn, type Account, type AccountOptions } from "./accounts.ts";
import { addAuthenticator, type VirtualAuthenticator } from "./authenticator.ts";
import * as admin from "./directus.ts";
import { mailbox, type Mailbox } from "./mailbox.ts";
import { codeAfter, currentCode, secretOf, wrongCode } from "../support/totp.ts";

export { expect } from "@playwright/test";
export { makeAccount, signIn, PASSWORD, uniqueEmail, DEV_PROVIDER, type Account, type AccountOptions } from "./accounts.ts";
export { addAuthenticator, type VirtualAuthenticator } from "./authenticator.ts";
export { mailbox, SUBJECTS, type Mailbox } from "./mailbox.ts";

export type Totp = {
  /** The code an authenticator app shows now (one that lasts a few more seconds). */
  code: (secret: string) => Promise<string>;
  /** The next code after `used`: the app takes each code once. */
  codeAfter: (secret: string, used: string) => Promise<string>;
  /** Six digits that are not a valid code now. */
  wrongCode: (secret: string) => string;
  /** The secret in an otpauth:// URL (what the setup page's QR code holds). */
  secretOf: (otpauthUrl: string) => string;
};

export type KitFixtures = {
  /** A new account, as if registered and confirmed: `account()`, `account({ twoFactor: true })`, `{ provider: true }`, `{ passkey: true }`. */
  account: typeof makeAccount;
  /** The test's page (or `page`) signed in as the account, opened at `at` (default /dashboard). */
  signedIn: (account: Account, options?: { page?: Page; at?: string }) => Promise<Page>;
  /** The mail the stack sent: `mailbox.link(to, { subject, path })`. */
  mailbox: Mailbox;
  /** Authenticator-app codes for an account's secret. */
  totp: Totp;
  /** Chromium's virtual authenticator on the test's page. */
  authenticator: VirtualAuthenticator;
  /** Directus as its admin, for arranging data and checking what the app stored. */
  directus: typeof admin;
};

export const test = base.extend<KitFixtures>({
  account: async ({}, use) => use(makeAccount), // eslint-disable-line no-empty-pattern
  signedIn: async ({ page }, use) => use((account, { page: other, at } = {}) => signIn(other ?? page, account, { at })),
  mailbox: async ({}, use) => use(mailbox()), // eslint-disable-line no-empty-pattern
  totp: async ({}, use) => use({ code: (secret) => currentCode(secret), codeAfter: (secret, used) => codeAfter(secret, used), wrongCode, secretOf }), // eslint-disable-line no-empty-pattern
  authenticator: async ({ page }, use) => use(await addAuthenticator(page)),
  directus: async ({}, use) => use(admin), // eslint-disable-line no-empty-pattern
});
export * from "./pages.ts";
