// What the cluster tests share: the settings the running cluster wrote (CLUSTER_SETTINGS), an admin
// client for Directus through the proxy, the control endpoint that stops and starts instances, and
// HAProxy's statistics and request log.
import { readFile } from "node:fs/promises";
import { readStats } from "../../scripts/lib/cluster/haproxy.mjs";
import { loadSettings } from "../../scripts/lib/cluster/settings.mjs";
import { DirectusAdmin } from "../support/http-session.ts";

export const settings = loadSettings(process.env.CLUSTER_SETTINGS);
export const admin = new DirectusAdmin(settings.directus.url, settings.directus.adminEmail, settings.directus.adminPassword);
export const stats = () => readStats(settings.proxy.statsSocket);

export type ControlAnswer = { name: string; pid: number; signalledAt: number; doneAt: number };

/** Stops (SIGTERM to its PID, resolved once it exited) or starts an instance by name (directus2, app1…). */
export async function control(action: "stop" | "start", name: string): Promise<ControlAnswer> {
  const url = process.env.CLUSTER_CONTROL_URL;
  if (!url) throw new Error("CLUSTER_CONTROL_URL is unset: run this through `npm run test:cluster`");
  const response = await fetch(`${url}/${action}/${name}`, { method: "POST" });
  const body = await response.json();
  if (!response.ok) throw new Error(`${action} ${name}: ${body.error}`);
  return body as ControlAnswer;
}

/** Resolves with the time HAProxy first reports `server` with `status` (UP or DOWN). */
export async function waitForStatus(server: string, status: "UP" | "DOWN", timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const row = (await stats()).find((entry) => entry.server === server);
    if (row?.status === status) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`HAProxy did not report ${server} ${status} within ${timeoutMs} ms`);
}

/** Requests HAProxy passed to each server, by server name. */
export async function requestsByServer(): Promise<Record<string, number>> {
  return Object.fromEntries((await stats()).map((row) => [row.server, row.requests]));
}

/**
 * Directus requests per user and instance, from HAProxy's log: haproxy.cfg logs every request to the
 * Directus tier as "directus <instance> <status> <method> <user id from the session token>".
 */
export async function directusRequestsByUser(): Promise<Map<string, Record<string, number>>> {
  const byUser = new Map<string, Record<string, number>>();
  for (const line of (await readFile(settings.proxy.logFile, "utf8")).split("\n")) {
    const [tier, server, , , user] = line.split(" ");
    if (tier !== "directus" || !server || !user || user === "-") continue;
    const counts = byUser.get(user) ?? {};
    counts[server] = (counts[server] ?? 0) + 1;
    byUser.set(user, counts);
  }
  return byUser;
}
