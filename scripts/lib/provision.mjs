// Idempotent provisioning of the Directus schema, policies, role and settings this app needs.
//
// Each object is looked up by its natural key (collection name, field name, policy name,
// collection+action for permissions, role name), compared with the wanted state, and created or
// updated only when it differs. A second run reports no changes.
//
// Needs Directus 11 (tested on 11.17.4). Directus 12's core tier (no license) refuses custom
// permission rules (item filters, presets, field lists) with error code RESOURCE_RESTRICTED; we stop
// with a message naming that restriction.
//
// Decision on author display: readers cannot read other users' records at all (the profile policy
// limits directus_users reads to the reader's own record, and the permission test asserts that
// GET /users returns only self and GET /users/<other> is 403). We deliberately do NOT add a
// "read id,first_name,last_name of every user" permission to the posts policy: it would make
// GET /users list every user (with limited fields), breaking that guarantee. Consequence: for a post
// written by someone else, `author` is readable only as the author's id; expanding
// `author.first_name`/`author.email` yields data for the reader's own posts only.

import { randomBytes } from "node:crypto";
import { accountLinks } from "../../app/lib/account-links.ts";
import { limits } from "../../app/lib/limits.ts";

export const POSTS = "posts";
export const ROLE_NAME = "Authenticated User";
export const POLICY_READ_CREATE = "Can Read and Create Posts";
export const POLICY_EDIT_OWN = "Can Edit and Delete Own Posts";
export const POLICY_OWN_PROFILE = "Can View and Edit Own Profile";

export const DIRECTUS_12_CORE_MESSAGE =
  "RESOURCE_RESTRICTED: Directus 12 core tier refuses custom permission rules; use Directus 11.17 (this app needs item filters, presets and field lists)";

const OWN_POSTS = { user_created: { _eq: "$CURRENT_USER" } };
const OWN_USER = { id: { _eq: "$CURRENT_USER" } };

/** Fields of `posts`; `meta` keys listed here are the ones compared and kept in sync. */
export const POST_FIELDS = [
  {
    field: "id",
    type: "integer",
    meta: { interface: "input", readonly: true, hidden: true, special: null, required: false },
    schema: { is_primary_key: true, has_auto_increment: true },
  },
  {
    field: "user_created",
    type: "uuid",
    meta: { interface: "select-dropdown-m2o", display: "user", readonly: true, hidden: true, width: "half", special: ["user-created"], required: false },
    schema: {},
    relatedCollection: "directus_users",
  },
  {
    field: "date_created",
    type: "timestamp",
    meta: { interface: "datetime", display: "datetime", readonly: true, hidden: true, width: "half", special: ["date-created"], required: false },
    schema: {},
  },
  {
    field: "title",
    type: "string",
    meta: { interface: "input", required: true, special: null },
    // The length the post form allows (app/lib/limits.ts), so the column holds every title the form takes.
    schema: { is_nullable: false, max_length: limits.titleMax },
  },
  {
    field: "content",
    type: "text",
    meta: { interface: "input-rich-text-md", special: null, required: false },
    schema: {},
  },
  {
    field: "author",
    type: "uuid",
    meta: { interface: "select-dropdown-m2o", display: "user", special: ["m2o"], required: false },
    schema: {},
    relatedCollection: "directus_users",
  },
  {
    // Counts saves: an edit names the revision it started from and is refused when the post moved on
    // (docs/decisions/019). Kept by the app, not Directus: a timestamp compares badly across databases.
    field: "revision",
    type: "integer",
    meta: { interface: "input", readonly: true, hidden: true, special: null, required: false },
    schema: { is_nullable: false, default_value: 0 },
  },
  {
    // The id of the new-post form a post came from: the same form sent twice makes one post,
    // because the database refuses a second row with the same key (docs/decisions/019).
    field: "form_key",
    type: "string",
    meta: { interface: "input", readonly: true, hidden: true, special: null, required: false },
    schema: { is_nullable: true, is_unique: true, max_length: 64 },
  },
];

/** Wanted policies and their exact permission sets (matched by collection + action). */
export const POLICIES = [
  {
    name: POLICY_READ_CREATE,
    icon: "article",
    description: "Read all posts; create posts (author is preset to the creator and cannot be set).",
    permissions: [
      // Every field except `form_key`: a form's key is its author's alone.
      {
        collection: POSTS,
        action: "read",
        permissions: {},
        validation: null,
        presets: null,
        fields: ["id", "user_created", "date_created", "title", "content", "author", "revision"],
      },
      {
        collection: POSTS,
        action: "create",
        permissions: {},
        validation: null,
        presets: { author: "$CURRENT_USER" },
        // Every field except `author` and `revision` (a new post starts at 0).
        fields: ["id", "user_created", "date_created", "title", "content", "form_key"],
      },
    ],
  },
  {
    name: POLICY_EDIT_OWN,
    icon: "edit_note",
    description: "Update and delete the posts the user created.",
    permissions: [
      // Owners may edit the text of their posts, not re-assign them (author / user_created).
      // `revision`: the app counts each save (docs/decisions/019); on their own posts only.
      { collection: POSTS, action: "update", permissions: OWN_POSTS, validation: null, presets: null, fields: ["title", "content", "revision"] },
      // Authors read back the form key of their own posts, to find the post a form already made.
      { collection: POSTS, action: "read", permissions: OWN_POSTS, validation: null, presets: null, fields: ["id", "form_key"] },
      { collection: POSTS, action: "delete", permissions: OWN_POSTS, validation: null, presets: null, fields: ["*"] },
    ],
  },
  {
    name: POLICY_OWN_PROFILE,
    icon: "account_circle",
    description: "Read the user's own record; update its names, email and password, and turn two-factor sign-in on or off.",
    permissions: [
      { collection: "directus_users", action: "read", permissions: OWN_USER, validation: null, presets: null, fields: ["*"] },
      {
        collection: "directus_users",
        action: "update",
        permissions: OWN_USER,
        validation: null,
        presets: null,
        // tfa_secret: Directus's /users/me/tfa/enable and /disable write it as the user; a direct
        // PATCH of it is refused by Directus whatever the permission says.
        fields: ["first_name", "last_name", "email", "password", "tfa_secret"],
      },
    ],
  },
];

/**
 * REGISTRATION_VERIFY_EMAIL: whether new accounts must be confirmed through a link sent by email
 * before they can log in. (A changed email is always confirmed by a link: the account-security
 * extension's.) On unless set to false/0/no/off.
 */
export function registrationVerifiesEmail(env = process.env) {
  const raw = env.REGISTRATION_VERIFY_EMAIL?.trim().toLowerCase();
  if (!raw || ["true", "1", "yes", "on"].includes(raw)) return true;
  if (["false", "0", "no", "off"].includes(raw)) return false;
  throw new ProvisionError(`REGISTRATION_VERIFY_EMAIL must be true or false, got "${env.REGISTRATION_VERIFY_EMAIL}"`);
}

/** Collections on which the public (anonymous) policy must hold no permission at all. */
const PUBLIC_FORBIDDEN_COLLECTIONS = [POSTS, "directus_users"];

// Types Directus reports back for a column created with the wanted type. SQLite has no uuid
// column type: Directus creates char(36) and, without a "uuid" special (which would auto-generate
// values), reads it back as "string".
const COMPATIBLE_TYPES = { uuid: ["uuid", "string"], timestamp: ["timestamp", "dateTime"] };

export class ProvisionError extends Error {
  constructor(message, { code, status, cause } = {}) {
    super(message, { cause });
    this.name = "ProvisionError";
    this.code = code;
    this.status = status;
  }
}

class DirectusClient {
  constructor({ url, token, email, password }) {
    this.url = url.replace(/\/+$/, "");
    this.staticToken = token;
    this.email = email;
    this.password = password;
    this.accessToken = token;
  }

  async login() {
    if (this.staticToken) return;
    const response = await fetch(`${this.url}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: this.email, password: this.password }),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      throw new ProvisionError(`Login to ${this.url} as ${this.email} failed: HTTP ${response.status} ${describeErrors(body)}`, {
        status: response.status,
        code: body?.errors?.[0]?.extensions?.code,
      });
    }
    this.accessToken = body.data.access_token;
  }

  /** Returns `data` of the JSON body, `null` for 204; throws ProvisionError otherwise. */
  async request(method, path, body, { allow = [], retried = false } = {}) {
    if (!this.accessToken) await this.login();
    let response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.accessToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ProvisionError(`Cannot reach Directus at ${this.url}: ${error.cause?.code ?? error.message}`, { cause: error });
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // non-JSON body
    }
    const codes = (json?.errors ?? []).map((e) => e?.extensions?.code).filter(Boolean);
    const restricted = resourceRestricted(method, path, response.status, json);
    if (restricted) throw restricted;
    // Short access tokens (tests use ACCESS_TOKEN_TTL=5s) can expire mid-run: log in again once.
    if (response.status === 401 && !retried && !this.staticToken) {
      await this.login();
      return this.request(method, path, body, { allow, retried: true });
    }
    if (allow.includes(response.status)) return { status: response.status, missing: true };
    if (!response.ok) {
      throw new ProvisionError(`${method} ${path} failed: HTTP ${response.status} ${describeErrors(json) || text.slice(0, 300)}`, {
        status: response.status,
        code: codes[0],
      });
    }
    return json?.data ?? null;
  }
}

/**
 * The error for an answer that refuses a feature of a licence tier (Directus 12 core tier refuses
 * custom permission rules with RESOURCE_RESTRICTED), or null for any other answer.
 */
export function resourceRestricted(method, path, status, body) {
  const codes = (body?.errors ?? []).map((e) => e?.extensions?.code);
  if (!codes.includes("RESOURCE_RESTRICTED")) return null;
  return new ProvisionError(`${DIRECTUS_12_CORE_MESSAGE} (refused: ${method} ${path}: ${describeErrors(body)})`, {
    code: "RESOURCE_RESTRICTED",
    status,
  });
}

function describeErrors(body) {
  return (body?.errors ?? []).map((e) => `${e?.extensions?.code ?? "ERROR"}: ${e?.message}`).join("; ");
}

const query = (params) => "?" + new URLSearchParams(params).toString();

/** Key-order-insensitive deep equality for JSON values. */
function same(a, b) {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  }
  return value ?? null;
}
// Directus stores `{}` and `null` interchangeably for "no rule" on some versions.
const emptyToNull = (value) => (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0 ? null : value ?? null);
const sortedFields = (fields) => (Array.isArray(fields) ? [...fields].sort() : typeof fields === "string" ? fields.split(",").sort() : fields ?? null);

function permissionDiffers(existing, wanted) {
  return (
    !same(emptyToNull(existing.permissions), emptyToNull(wanted.permissions)) ||
    !same(emptyToNull(existing.validation), emptyToNull(wanted.validation)) ||
    !same(emptyToNull(existing.presets), emptyToNull(wanted.presets)) ||
    !same(sortedFields(existing.fields), sortedFields(wanted.fields))
  );
}

function majorOf(version) {
  const major = Number(String(version ?? "").split(".")[0]);
  return Number.isFinite(major) && major > 0 ? major : null;
}

/**
 * @param {{ url: string, token: string } | { url: string, email: string, password: string }} target
 * @param {{ log?: (line: string) => void, verifyEmail?: boolean, appUrl?: string }} [options]
 *   verifyEmail: default REGISTRATION_VERIFY_EMAIL (on); appUrl: when given, checks that Directus
 *   accepts the app's account links (its URL allow lists are environment settings, not provisioned).
 * @returns {Promise<{ changes: string[], version: string | null, roleId: string, policyIds: Record<string, string> }>}
 */
export async function provision(target, { log = (line) => console.log(`[provision] ${line}`), verifyEmail = registrationVerifiesEmail(), appUrl } = {}) {
  if (!target?.url) throw new ProvisionError("provision: url is required");
  if (!target.token && !(target.email && target.password)) {
    throw new ProvisionError("provision: pass either token, or email and password");
  }
  const client = new DirectusClient(target);
  const changes = [];
  const change = (message) => {
    changes.push(message);
    log(message);
  };

  // --- Server version --------------------------------------------------------------------------
  const info = await client.request("GET", "/server/info");
  const version = info?.version ?? null;
  const major = majorOf(version);
  if (version) log(`Directus ${version} at ${client.url}`);
  if (major === null) {
    log("server version not reported (is the token an admin's?); continuing");
  } else if (major < 11) {
    throw new ProvisionError(`Directus ${version} is too old: policies need Directus 11 (use 11.17)`);
  } else if (major >= 12) {
    log(`warning: Directus ${version}; its core tier refuses custom permission rules (RESOURCE_RESTRICTED). This app is tested on 11.17.`);
  }

  // --- Collection `posts` and its fields ------------------------------------------------------
  const existingCollection = await client.request("GET", `/collections/${POSTS}`, undefined, { allow: [403, 404] });
  if (existingCollection?.missing) {
    await client.request("POST", "/collections", {
      collection: POSTS,
      meta: { icon: "article", note: "Posts written by users", singleton: false },
      schema: {},
      fields: POST_FIELDS.map(({ field, type, meta, schema }) => ({ field, type, meta, schema })),
    });
    change(`created collection ${POSTS} with fields ${POST_FIELDS.map((f) => f.field).join(", ")}`);
  } else if (!existingCollection?.schema) {
    throw new ProvisionError(`Collection ${POSTS} exists but is a folder (no database table); remove or rename it`);
  }

  const fields = await client.request("GET", `/fields/${POSTS}`);
  const byName = new Map(fields.map((f) => [f.field, f]));
  for (const wanted of POST_FIELDS) {
    const existing = byName.get(wanted.field);
    if (!existing) {
      await client.request("POST", `/fields/${POSTS}`, { field: wanted.field, type: wanted.type, meta: wanted.meta, schema: wanted.schema });
      change(`created field ${POSTS}.${wanted.field}`);
      continue;
    }
    if (!(COMPATIBLE_TYPES[wanted.type] ?? [wanted.type]).includes(existing.type)) {
      throw new ProvisionError(
        `Field ${POSTS}.${wanted.field} has type ${existing.type}, expected ${wanted.type}; change it by hand (provisioning never alters column types)`,
      );
    }
    // Directus adds specials of its own (e.g. "cast-timestamp" for timestamps on SQLite): the
    // wanted specials must be present, extra ones are kept.
    const existingSpecial = existing.meta?.special ?? [];
    const wantedMeta = { ...wanted.meta, special: [...new Set([...existingSpecial, ...(wanted.meta.special ?? [])])] };
    if (wantedMeta.special.length === 0) wantedMeta.special = null;
    const metaDiff = Object.fromEntries(
      Object.entries(wantedMeta).filter(([key, value]) => !same(existing.meta?.[key] ?? null, value ?? null)),
    );
    const schemaDiff = Object.fromEntries(
      ["is_nullable", "is_unique"]
        .filter((key) => wanted.schema[key] !== undefined && existing.schema && Boolean(existing.schema[key]) !== wanted.schema[key])
        .map((key) => [key, wanted.schema[key]]),
    );
    if (Object.keys(metaDiff).length > 0 || Object.keys(schemaDiff).length > 0) {
      await client.request("PATCH", `/fields/${POSTS}/${wanted.field}`, {
        meta: wantedMeta,
        ...(Object.keys(schemaDiff).length > 0 ? { schema: schemaDiff } : {}),
      });
      change(`updated field ${POSTS}.${wanted.field} (${[...Object.keys(metaDiff), ...Object.keys(schemaDiff)].join(", ")})`);
    }
  }

  const relations = await client.request("GET", `/relations/${POSTS}`);
  for (const wanted of POST_FIELDS.filter((f) => f.relatedCollection)) {
    const existing = relations.find((r) => r.field === wanted.field);
    if (!existing) {
      await client.request("POST", "/relations", {
        collection: POSTS,
        field: wanted.field,
        related_collection: wanted.relatedCollection,
        schema: { on_delete: "SET NULL" },
        meta: { sort_field: null },
      });
      change(`created relation ${POSTS}.${wanted.field} → ${wanted.relatedCollection}`);
    } else if (existing.related_collection !== wanted.relatedCollection) {
      throw new ProvisionError(
        `Relation ${POSTS}.${wanted.field} points to ${existing.related_collection}, expected ${wanted.relatedCollection}; fix it by hand`,
      );
    }
  }

  // --- Policies and their permissions ---------------------------------------------------------
  const policyIds = {};
  for (const wanted of POLICIES) {
    const found = await client.request("GET", `/policies${query({ "filter[name][_eq]": wanted.name, fields: "id,name,icon,description,admin_access,app_access", limit: "-1" })}`);
    if (found.length > 1) throw new ProvisionError(`More than one policy is named "${wanted.name}"; keep one`);
    const desiredPolicy = { name: wanted.name, icon: wanted.icon, description: wanted.description, admin_access: false, app_access: false };
    let policy = found[0];
    if (!policy) {
      policy = await client.request("POST", "/policies", { ...desiredPolicy, enforce_tfa: false, ip_access: null });
      change(`created policy "${wanted.name}"`);
    } else {
      const diff = Object.fromEntries(Object.entries(desiredPolicy).filter(([key, value]) => policy[key] !== value));
      if (Object.keys(diff).length > 0) {
        await client.request("PATCH", `/policies/${policy.id}`, diff);
        change(`updated policy "${wanted.name}" (${Object.keys(diff).join(", ")})`);
      }
    }
    policyIds[wanted.name] = policy.id;

    const existingPermissions = await client.request("GET", `/permissions${query({ "filter[policy][_eq]": policy.id, limit: "-1" })}`);
    const kept = new Set();
    for (const permission of wanted.permissions) {
      const label = `"${wanted.name}": ${permission.action} ${permission.collection}`;
      const matches = existingPermissions.filter((p) => p.collection === permission.collection && p.action === permission.action);
      const [existing, ...duplicates] = matches;
      for (const duplicate of duplicates) {
        await client.request("DELETE", `/permissions/${duplicate.id}`);
        change(`removed duplicate permission ${label}`);
      }
      if (!existing) {
        const created = await client.request("POST", "/permissions", { policy: policy.id, ...permission });
        kept.add(created.id);
        change(`created permission ${label}`);
      } else {
        kept.add(existing.id);
        if (permissionDiffers(existing, permission)) {
          await client.request("PATCH", `/permissions/${existing.id}`, permission);
          change(`updated permission ${label}`);
        }
      }
    }
    // These policies belong to this app: anything else in them is drift.
    for (const extra of existingPermissions.filter((p) => !kept.has(p.id) && !wanted.permissions.some((w) => w.collection === p.collection && w.action === p.action))) {
      await client.request("DELETE", `/permissions/${extra.id}`);
      change(`removed unexpected permission "${wanted.name}": ${extra.action} ${extra.collection}`);
    }
  }

  // --- Role and its policies (directus_access rows) --------------------------------------------
  const roles = await client.request("GET", `/roles${query({ "filter[name][_eq]": ROLE_NAME, fields: "id,name", limit: "-1" })}`);
  if (roles.length > 1) throw new ProvisionError(`More than one role is named "${ROLE_NAME}"; keep one`);
  let role = roles[0];
  if (!role) {
    role = await client.request("POST", "/roles", { name: ROLE_NAME, icon: "person", description: "Users who registered through the app" });
    change(`created role "${ROLE_NAME}"`);
  }
  const access = await client.request("GET", `/access${query({ "filter[role][_eq]": role.id, fields: "id,role,user,policy", limit: "-1" })}`);
  for (const wanted of POLICIES) {
    const policyId = policyIds[wanted.name];
    if (!access.some((a) => a.policy === policyId)) {
      await client.request("POST", "/access", { role: role.id, policy: policyId });
      change(`attached policy "${wanted.name}" to role "${ROLE_NAME}"`);
    }
  }

  // --- Public (anonymous) access: nothing on posts or users ----------------------------------
  const publicAccess = await client.request(
    "GET",
    `/access${query({ "filter[role][_null]": "true", "filter[user][_null]": "true", fields: "policy", limit: "-1" })}`,
  );
  const publicPolicyIds = [...new Set(publicAccess.map((a) => (typeof a.policy === "object" ? a.policy?.id : a.policy)).filter(Boolean))];
  for (const policyId of publicPolicyIds) {
    const policy = await client.request("GET", `/policies/${policyId}${query({ fields: "id,name,admin_access,app_access" })}`);
    if (policy.admin_access || policy.app_access) {
      await client.request("PATCH", `/policies/${policyId}`, { admin_access: false, app_access: false });
      change(`public policy "${policy.name}": turned off admin/app access`);
    }
    const publicPermissions = await client.request(
      "GET",
      `/permissions${query({ "filter[policy][_eq]": policyId, "filter[collection][_in]": PUBLIC_FORBIDDEN_COLLECTIONS.join(","), limit: "-1" })}`,
    );
    for (const permission of publicPermissions) {
      await client.request("DELETE", `/permissions/${permission.id}`);
      change(`public policy: removed ${permission.action} ${permission.collection}`);
    }
  }

  // --- Settings: open registration into the role, email verification as REGISTRATION_VERIFY_EMAIL says,
  // and no suspension after failed logins: the app throttles them instead, so a stranger's guesses
  // cannot lock the owner out (docs/decisions/013-throttling-not-lockout.md).
  const settings = await client.request(
    "GET",
    `/settings${query({ fields: "public_registration,public_registration_role,public_registration_verify_email,auth_login_attempts" })}`,
  );
  const wantedSettings = {
    public_registration: true,
    public_registration_role: role.id,
    public_registration_verify_email: verifyEmail,
    auth_login_attempts: null,
  };
  const settingsDiff = Object.fromEntries(
    Object.entries(wantedSettings).filter(([key, value]) => {
      const current = settings?.[key];
      return (typeof current === "object" && current !== null ? current.id : current) !== value;
    }),
  );
  if (Object.keys(settingsDiff).length > 0) {
    await client.request("PATCH", "/settings", settingsDiff);
    change(`updated settings (${Object.keys(settingsDiff).join(", ")})`);
  }

  if (appUrl) {
    await checkAccountLinks(client, appUrl, target.email ?? null, log);
    await checkEmailChangeExtension(client, appUrl, log);
  } else log("APP_URL not given: not checking that Directus accepts the app's account links");
  await checkSessionsExtension(client, log);
  await checkSignInExtension(client, appUrl, log);
  await checkOwnershipExtension(client, log);

  log(changes.length === 0 ? "already provisioned: no changes" : `done: ${changes.length} change(s)`);
  return { changes, version, roleId: role.id, policyIds };
}

/**
 * Directus refuses a registration or reset request whose link is not on its allow list, so every
 * registration would fail; find out now. Both probes change nothing: the reset request names no
 * account, and the registration names the admin, an active account Directus silently leaves alone.
 * Directus logs its refusal of the reset request as a warning with a stack; `npm run directus` leaves
 * that line out (scripts/lib/directus-log.mjs).
 */
async function checkAccountLinks(client, appUrl, adminEmail, log) {
  const links = accountLinks(appUrl);
  const email = adminEmail ?? (await client.request("GET", "/users/me?fields=email"))?.email;
  const probes = [
    {
      setting: "PASSWORD_RESET_URL_ALLOW_LIST",
      link: links.resetPassword,
      path: "/auth/password/request",
      body: { email: "provisioning-check@example.invalid", reset_url: links.resetPassword },
    },
    {
      setting: "USER_REGISTER_URL_ALLOW_LIST",
      link: links.verifyEmail,
      path: "/users/register",
      body: { email, password: randomBytes(18).toString("base64url"), verification_url: links.verifyEmail },
    },
  ];
  for (const { setting, link, path, body } of probes) {
    const response = await fetch(`${client.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const reply = await response.json().catch(() => null);
    const code = reply?.errors?.[0]?.extensions?.code;
    if (response.status === 400 && code === "INVALID_PAYLOAD" && /URL/.test(reply.errors[0].message)) {
      throw new ProvisionError(`Directus refuses the app's link ${link}: add it to ${setting} in Directus's environment`);
    }
    if (response.ok) log(`Directus accepts ${link} (${setting})`);
    else log(`could not check ${setting} for ${link}: HTTP ${response.status} ${describeErrors(reply)}`);
  }
}

/**
 * /profile/sessions needs the account-sessions extension (directus-extensions/). The probe lists the
 * admin's own sessions, which changes nothing.
 */
async function checkSessionsExtension(client, log) {
  if (!client.accessToken) await client.login();
  const response = await fetch(`${client.url}/account-sessions`, { headers: { authorization: `Bearer ${client.accessToken}` } });
  await response.body?.cancel();
  if (response.status === 404) {
    throw new ProvisionError(
      "Directus does not run the account-sessions extension, which /profile/sessions needs: put directus-extensions/account-sessions in its EXTENSIONS_PATH and restart it",
    );
  }
  if (response.ok) log("Directus runs the account-sessions extension");
  else log(`could not check the account-sessions extension: HTTP ${response.status}`);
}

/**
 * /profile/delete, /profile/activity and /profile/download need the account-ownership extension
 * (directus-extensions/). The probe asks, as the admin, to delete the admin's own account, which the
 * extension always refuses (403 ADMIN_ACCOUNT) before touching anything; then reads the admin's own
 * activity, which an older copy of the extension (without activity and export) does not serve.
 */
async function checkOwnershipExtension(client, log) {
  if (!client.accessToken) await client.login();
  const response = await fetch(`${client.url}/account-ownership/account`, { method: "DELETE", headers: { authorization: `Bearer ${client.accessToken}` } });
  const reply = await response.json().catch(() => null);
  const code = reply?.errors?.[0]?.extensions?.code;
  if (response.status === 404) {
    throw new ProvisionError(
      "Directus does not run the account-ownership extension, which /profile/delete needs: put directus-extensions/account-ownership in its EXTENSIONS_PATH and restart it",
    );
  }
  if (response.status === 403 && code === "ADMIN_ACCOUNT") log("Directus runs the account-ownership extension");
  else return log(`could not check the account-ownership extension: HTTP ${response.status}`);
  const activity = await fetch(`${client.url}/account-ownership/activity`, { headers: { authorization: `Bearer ${client.accessToken}` } });
  await activity.body?.cancel();
  if (activity.status === 404) {
    throw new ProvisionError(
      "Directus runs an older account-ownership extension, without the activity and the export that /profile/activity and /profile/download need: put this repository's directus-extensions/account-ownership in its EXTENSIONS_PATH and restart it",
    );
  }
  if (activity.ok) log("Directus serves the account's activity and export (account-ownership extension)");
  else log(`could not check the account-ownership extension's activity: HTTP ${activity.status}`);
}

/**
 * Passkeys need the account-sign-in extension (directus-extensions/) and Directus's APP_URL naming the
 * app's host: a passkey belongs to one host name (the relying party id), so a Directus told another
 * would refuse every passkey. The probe lists the admin's own passkeys, then asks for sign-in options
 * and reads the relying party id they name; it changes nothing but a challenge that expires unused.
 */
async function checkSignInExtension(client, appUrl, log) {
  if (!client.accessToken) await client.login();
  const headers = { authorization: `Bearer ${client.accessToken}`, "content-type": "application/json" };
  const listed = await fetch(`${client.url}/account-sign-in/passkeys`, { headers });
  await listed.body?.cancel();
  if (listed.status === 404) {
    throw new ProvisionError(
      "Directus does not run the account-sign-in extension, which passkeys need: put directus-extensions/account-sign-in in its EXTENSIONS_PATH (with its dependencies: npm ci in that folder) and restart it",
    );
  }
  if (!listed.ok) return log(`could not check the account-sign-in extension: HTTP ${listed.status}`);
  log("Directus runs the account-sign-in extension");
  if (!appUrl) return;
  const response = await fetch(`${client.url}/account-sign-in/passkeys/authentication/options`, { method: "POST", headers, body: "{}" });
  const reply = await response.json().catch(() => null);
  const rpId = reply?.data?.options?.rpId;
  if (typeof rpId !== "string") return log(`could not check Directus's APP_URL for passkeys: HTTP ${response.status} ${describeErrors(reply)}`);
  const problem = passkeyHostProblem(rpId, appUrl);
  if (problem) throw new ProvisionError(problem);
  log(`Directus takes passkeys for ${rpId} (APP_URL, account-sign-in extension)`);
}

/**
 * What is wrong when Directus's relying party id (APP_URL's host there) is not the app's host, or null.
 * @param {string} rpId @param {string} appUrl
 */
export function passkeyHostProblem(rpId, appUrl) {
  const { hostname, origin } = new URL(appUrl);
  if (rpId === hostname) return null;
  return `Directus's APP_URL names the host ${rpId}, but the app runs at ${appUrl}: set APP_URL=${origin} in Directus's environment, or no passkey will work`;
}

/**
 * The email change needs the account-security extension (directus-extensions/) and its allow list.
 * The probe, as the admin, names an address Directus's own rule refuses, which the extension checks
 * only after the link's URL: it answers which of the two it refused, and mails nobody.
 */
async function checkEmailChangeExtension(client, appUrl, log) {
  const link = accountLinks(appUrl).confirmEmail;
  if (!client.accessToken) await client.login();
  const response = await fetch(`${client.url}/account-security/email-change`, {
    method: "POST",
    headers: { authorization: `Bearer ${client.accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ email: "provisioning check", url: link }),
  });
  const reply = await response.json().catch(() => null);
  const code = reply?.errors?.[0]?.extensions?.code;
  if (response.status === 404) {
    throw new ProvisionError(
      "Directus does not run the account-security extension, which email changes need: put directus-extensions/account-security in its EXTENSIONS_PATH and restart it",
    );
  }
  if (response.status === 400 && code === "INVALID_PAYLOAD" && /URL/.test(reply.errors[0].message)) {
    throw new ProvisionError(`Directus refuses the app's link ${link}: add it to ACCOUNT_EMAIL_CHANGE_URL_ALLOW_LIST in Directus's environment`);
  }
  if (response.status === 400 && code === "FAILED_VALIDATION") log(`Directus accepts ${link} (ACCOUNT_EMAIL_CHANGE_URL_ALLOW_LIST, account-security extension)`);
  else log(`could not check ACCOUNT_EMAIL_CHANGE_URL_ALLOW_LIST for ${link}: HTTP ${response.status} ${describeErrors(reply)}`);
}
