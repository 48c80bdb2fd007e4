/** The account a login names at the local development provider. */
export declare function devAccount(login: string): { sub: string; email: string; email_verified: true; given_name: string; family_name: string };

/** Starts the local OpenID Connect provider, FOR DEVELOPMENT AND TESTS ONLY (it checks no password). */
export declare function startDevIdentityProvider(options: { port?: number; redirectUris: string[]; host?: string }): Promise<{ url: string; stop: () => Promise<void> }>;
