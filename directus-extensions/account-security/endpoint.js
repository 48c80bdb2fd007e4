// The /account-security endpoint: the email change (email-change.js) and the unlock link (device-unlock.js).
import emailChange from "./email-change.js";
import { deviceUnlock } from "./device-unlock.js";

export default {
  id: "account-security",
  /** @param {{ post: Function }} router @param {any} context */
  handler(router, context) {
    emailChange.handler(router, context);
    deviceUnlock(router, context);
  },
};
