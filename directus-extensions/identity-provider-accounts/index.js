// Directus extension "identity-provider-accounts" (a bundle, loaded from EXTENSIONS_PATH; no build
// step). An account that signing in through an identity provider creates gets the role of people
// who register (the public_registration_role setting provisioning keeps), so no role id has to be
// known before Directus starts (AUTH_<NAME>_DEFAULT_ROLE_ID is left unset). Wrong two-factor codes
// on such sign-ins are counted per account (codes.js).
import codes from "./codes.js";
import role from "./role.js";

export default {
  hooks: [
    { name: "identity-provider-role", config: role },
    { name: "identity-provider-codes", config: codes },
  ],
  endpoints: [],
  operations: [],
};
