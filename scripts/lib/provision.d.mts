export declare const POSTS: "posts";
export declare const ROLE_NAME: "Authenticated User";
export declare const POLICY_READ_CREATE: "Can Read and Create Posts";
export declare const POLICY_EDIT_OWN: "Can Edit and Delete Own Posts";
export declare const POLICY_OWN_PROFILE: "Can View and Edit Own Profile";
export declare const DIRECTUS_12_CORE_MESSAGE: string;

export interface WantedPermission {
  collection: string;
  action: "create" | "read" | "update" | "delete";
  permissions: Record<string, unknown> | null;
  validation: Record<string, unknown> | null;
  presets: Record<string, unknown> | null;
  fields: string[];
}
export declare const POLICIES: ReadonlyArray<{ name: string; icon: string; description: string; permissions: WantedPermission[] }>;
export declare const POST_FIELDS: ReadonlyArray<{
  field: string;
  type: string;
  meta: Record<string, unknown>;
  schema: Record<string, unknown>;
  relatedCollection?: string;
}>;

export declare class ProvisionError extends Error {
  code?: string;
  status?: number;
}

/** The error for an answer refusing a licence-tier feature (RESOURCE_RESTRICTED), or null for any other answer. */
export declare function resourceRestricted(method: string, path: string, status: number, body: unknown): ProvisionError | null;
/** What is wrong when Directus's passkey relying party id (its APP_URL's host) is not the app's host, or null. */
export declare function passkeyHostProblem(rpId: string, appUrl: string): string | null;

export type ProvisionTarget = { url: string; token: string } | { url: string; email: string; password: string };

export interface ProvisionResult {
  /** One line per change made; empty when everything was already in place. */
  changes: string[];
  version: string | null;
  roleId: string;
  policyIds: Record<string, string>;
}

export interface ProvisionOptions {
  log?: (line: string) => void;
  /** Email verification at registration. Default: REGISTRATION_VERIFY_EMAIL, on. */
  verifyEmail?: boolean;
  /** The app's public URL: when given, provisioning checks that Directus accepts its account links. */
  appUrl?: string;
}

export declare function provision(target: ProvisionTarget, options?: ProvisionOptions): Promise<ProvisionResult>;
export declare function registrationVerifiesEmail(env?: Record<string, string | undefined>): boolean;
