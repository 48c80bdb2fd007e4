// npm run directus — runs the embedded Directus 11 in the foreground and provisions it.
// Env: DIRECTUS_DATA_DIR (default <root>/.directus-data), DIRECTUS_PORT (default 8055), APP_URL (the
// app its emails link to), REGISTRATION_VERIFY_EMAIL, plus any Directus setting (ACCESS_TOKEN_TTL,
// RATE_LIMITER_*, DB_*, EMAIL_*, ...), passed to Directus unchanged. Without EMAIL_TRANSPORT, its
// mail goes to a local sink: each message is printed here and kept under <data dir>/mail/.
import { join, resolve } from "node:path";
import { DEV_APP_URL } from "../app/lib/account-links.ts";
import { assertPinnedNode, root } from "./lib/runtime.mjs";
import { startDirectus } from "./lib/directus-process.mjs";
import { isExpectedResetRefusal } from "./lib/directus-log.mjs";
import { describeMessage } from "./lib/mail-sink.mjs";
import { provision, ProvisionError } from "./lib/provision.mjs";

assertPinnedNode();

const dataDir = resolve(process.env.DIRECTUS_DATA_DIR || join(root, ".directus-data"));
const appUrl = process.env.APP_URL?.trim() || DEV_APP_URL;
const port = Number(process.env.DIRECTUS_PORT || 8055);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`[directus] DIRECTUS_PORT must be a TCP port number, got "${process.env.DIRECTUS_PORT}"`);
  process.exit(1);
}

// Signal handlers go in before Directus starts: a Ctrl+C/SIGTERM during bootstrap must not
// leave an orphaned Directus behind.
const aborter = new AbortController();
let directus;
let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`[directus] ${signal}: stopping`);
  aborter.abort();
  await directus?.stop();
  process.exit(0);
}
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));

try {
  const onMail = (message) => console.log(`[mail] ${describeMessage(message).replaceAll("\n", "\n[mail] ")}`);
  // Directus's log, but for a warning that says nothing is wrong (provisioning's check of the reset links causes one).
  const log = (line) => {
    if (!isExpectedResetRefusal(line)) console.log(`[directus] ${line}`);
  };
  directus = await startDirectus({ port, dataDir, signal: aborter.signal, appUrl, onMail, log });
} catch (error) {
  if (stopping) await new Promise(() => {}); // shutdown() exits
  console.error(`[directus] ${error.message}`);
  process.exit(1);
}
if (stopping) {
  await directus.stop();
  process.exit(0);
}
directus.exited.then(({ code, signal }) => {
  if (stopping) return;
  console.error(`[directus] exited unexpectedly (code ${code}, signal ${signal})`);
  process.exit(code || 1);
});

try {
  await provision({ url: directus.url, email: directus.adminEmail, password: directus.adminPassword }, { appUrl });
} catch (error) {
  console.error(`[provision] ${error instanceof ProvisionError ? error.message : error.stack}`);
  stopping = true;
  await directus.stop();
  process.exit(1);
}

console.log(`[directus] ready at ${directus.url} (admin UI: ${directus.url}/admin)`);
console.log(`[directus] admin email and password: ${directus.credentialsFile}`);
if (directus.mailDir) console.log(`[directus] mail is not delivered: each message is printed and kept in ${directus.mailDir}`);
console.log("[directus] Ctrl+C to stop");
