// Redis for the cluster: a loopback port, nothing written to disk.
import { mkdir } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { startProcess } from "./process.mjs";

/**
 * @param {import("./settings.mjs").ClusterSettings} settings
 * @param {{ "redis-server": string }} binaries
 */
export async function startRedis(settings, binaries) {
  const { host, port, dataDir } = settings.redis;
  await mkdir(dataDir, { recursive: true });
  return startProcess({
    name: "redis",
    command: binaries["redis-server"],
    args: ["--bind", host, "--port", String(port), "--save", "", "--appendonly", "no", "--dir", dataDir, "--daemonize", "no", "--protected-mode", "yes"],
    cwd: dataDir,
    logFile: join(settings.logDir, "redis.log"),
    ready: () => ping(host, port),
  });
}

/** True when Redis answers PING with PONG. */
function ping(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let reply = "";
    socket.setTimeout(1_000);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk;
      if (reply.includes("\r\n")) {
        socket.destroy();
        resolve(reply.startsWith("+PONG"));
      }
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}
