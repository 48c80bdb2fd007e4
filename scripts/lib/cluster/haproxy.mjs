// HAProxy for the cluster: haproxy.cfg beside this file, with the addresses from the settings in its
// environment; and its statistics, read from the stats socket.
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isListening, startProcess } from "./process.mjs";
import { haproxyEnv } from "./settings.mjs";

export const configFile = join(dirname(fileURLToPath(import.meta.url)), "haproxy.cfg");

export async function startHaproxy(settings, binaries) {
  const { directusPort, appPort, statsSocket, logFile } = settings.proxy;
  return startProcess({
    name: "haproxy",
    command: binaries.haproxy,
    // -db: stay in the foreground, logs (the cfg's `log stdout`) to our log file.
    args: ["-f", configFile, "-db"],
    env: { ...process.env, ...haproxyEnv(settings) },
    logFile,
    ready: async () => existsSync(statsSocket) && (await isListening(directusPort)) && (await isListening(appPort)),
  });
}

/**
 * One row per server of each backend, from `show stat`: its `status` (UP, DOWN, MAINT…), the
 * HTTP `requests` it was given, its `responses5xx` and the last health check's result.
 * @returns {Promise<Array<{ backend: string, server: string, status: string, requests: number, responses5xx: number, checkStatus: string }>>}
 */
export async function readStats(statsSocket) {
  const csv = await socketCommand(statsSocket, "show stat");
  const [header = "", ...lines] = csv.trim().split("\n");
  const columns = header.replace(/^# /, "").split(",");
  const rows = lines.map((line) => Object.fromEntries(line.split(",").map((value, i) => [columns[i], value])));
  return rows
    .filter((row) => row.svname !== "FRONTEND" && row.svname !== "BACKEND")
    .map((row) => ({
      backend: row.pxname,
      server: row.svname,
      status: row.status,
      requests: Number(row.req_tot || 0),
      responses5xx: Number(row.hrsp_5xx || 0),
      checkStatus: row.check_status,
    }));
}

function socketCommand(path, command) {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let reply = "";
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.end(`${command}\n`));
    socket.on("data", (chunk) => (reply += chunk));
    socket.once("end", () => resolve(reply));
    socket.once("error", reject);
  });
}
