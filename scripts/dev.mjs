// npm run dev: the embedded Directus and the React Router dev server side by side, with
// prefixed logs; Ctrl-C stops both. With DIRECTUS_URL set, only the app starts, against that Directus.
import { concurrently } from "concurrently";
import { assertPinnedNode, root } from "./lib/runtime.mjs";

assertPinnedNode();

const external = process.env.DIRECTUS_URL?.trim();
const port = process.env.DIRECTUS_PORT || "8055";
const env = { DIRECTUS_URL: external || `http://127.0.0.1:${port}` };

const commands = [
  { name: "app", command: "react-router dev", prefixColor: "cyan", env },
];
if (!external) commands.unshift({ name: "directus", command: "node scripts/directus.mjs", prefixColor: "magenta" });
else console.log(`[dev] using the Directus at ${external}; the embedded one is not started`);

const { result } = concurrently(commands, { cwd: root, prefix: "name", killOthersOn: ["failure"], restartTries: 0 });
result.then(
  () => process.exit(0),
  () => process.exit(1),
);
