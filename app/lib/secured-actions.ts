// The actions that secure or hand over an account, each waiting for "confirm it's you"
// (docs/decisions/023). A new one (passkeys, recovery codes, deleting the account) is one entry here
// and one `requireConfirmed` call in its server helper.
export const securedActions = {
  "two-factor": { path: "/profile/two-factor", what: "change two-factor sign-in" },
  "email-change": { path: "/profile/email", what: "change your email address" },
  passkeys: { path: "/profile/passkeys", what: "add or remove a passkey" },
  "recovery-codes": { path: "/profile/recovery-codes", what: "renew your recovery codes" },
} as const satisfies Record<string, { path: string; what: string }>;

export type SecuredAction = keyof typeof securedActions;

/** What the person had typed for the action, given back on its page once they confirmed. */
export type KeptInput = { email?: string };

export const CONFIRM_PATH = "/confirm-its-you";
