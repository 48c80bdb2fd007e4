// How long one POST /login body with N distinct field names blocks the event loop while the app
// reads and validates it (readForm + parseForm), for before/after comparisons (decision 006).
//   npx node scripts/form-stall.mjs [source checkout, default this one] [counts, default 40000,80000,270000]
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./lib/runtime.mjs";

const source = process.argv[2] ?? root;
const counts = (process.argv[3] ?? "40000,80000,270000").split(",").map(Number);
const { readForm } = await import(pathToFileURL(join(source, "app/server/http/form.server.ts")).href);
const { parseForm, loginSchema } = await import(pathToFileURL(join(source, "app/lib/validation.ts")).href);

for (const count of counts) {
  // Short base-36 names: the most fields a body of a given size can carry.
  const fields = ["email=a%40example.com", "password=pw"];
  for (let i = 0; i < count; i++) fields.push(`${i.toString(36)}=`);
  const body = fields.join("&");
  const request = new Request("http://app.test/login", {
    method: "POST",
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  // A 1 ms ticker: the longest gap between its ticks is the longest time no other request could be served.
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  let status = 200;
  try {
    if (!parseForm(loginSchema, await readForm(request)).ok) status = 400;
  } catch (error) {
    status = error?.init?.status ?? 500;
  }
  const total = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(ticker);
  console.log(`${count} fields (${Math.round(body.length / 1024)} KB): ${status} after ${total.toFixed(0)} ms, longest block ${longest.toFixed(0)} ms`);
}
