// The /account-security endpoint: the email change (email-change.js), the unlock link (device-unlock.js)
// and the check of the signed-in user's own two-factor code (verify-code.js).
import emailChange from "./email-change.js";
import { deviceUnlock } from "./device-unlock.js";
import { verifyCode } from "./verify-code.js";

export default {
  id: "account-security",
  /** @param {{ post: Function }} router @param {any} context */
  handler(router, context) {
    emailChange.handler(router, context);
    deviceUnlock(router, context);
    verifyCode(router, context);
  },
};
