// Hook: a new account from an identity provider (`auth.create`) without a role gets the registration role.

/**
 * @param {{ filter: Function }} events
 * @param {{ database: (table: string) => any }} context
 */
export default function role({ filter }, { database }) {
  filter("auth.create", async (/** @type {Record<string, unknown>} */ payload) => {
    if (payload?.["role"]) return payload;
    const settings = await database("directus_settings").select("public_registration_role").first();
    return settings?.public_registration_role ? { ...payload, role: settings.public_registration_role } : payload;
  });
}
