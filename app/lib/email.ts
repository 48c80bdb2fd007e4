// Which email addresses Directus 11.17.4 takes. Its registration and login check the address with
// joi's `string().email()`, which is @hapi/address with the IANA top-level-domain list of @hapi/tlds;
// we call the same two packages, pinned to the versions that Directus release installs, with the
// options joi passes. Server-only in practice (the schemas run in actions): @hapi/address imports Node's util and url.
import { isEmailValid } from "@hapi/address";
import { tlds } from "@hapi/tlds";

export function isDirectusEmail(address: string): boolean {
  return isEmailValid(address, { tlds: { allow: tlds } });
}

// Something before and after one "@", no spaces: enough to be worth asking Directus about.
export const plausibleEmail = /^[^@\s]+@[^@\s]+$/;
