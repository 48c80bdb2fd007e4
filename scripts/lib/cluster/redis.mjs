// Redis for the cluster: a loopback port, nothing written to disk; and the apps' link to it, which the
// cluster tests can cut.
import { mkdir } from "node:fs/promises";
import { connect, createServer } from "node:net";
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

/**
 * The app instances' way to Redis (their REDIS_URL): a TCP relay on its own loopback port. `cut()`
 * closes every connection through it and refuses new ones, which is what the apps see of a stopped
 * Redis; `restore()` takes connections again. Directus keeps its own connection meanwhile: its rate
 * limiter has no fallback (every request fails without Redis), so stopping the shared Redis itself
 * would take the Directus tier down too, and the fault under test is the app's counters losing Redis.
 * @param {{ host: string, port: number, targetPort: number }} options
 */
export async function startRedisLink({ host, port, targetPort }) {
  const sockets = new Set();
  /** @type {import("node:net").Server | null} */
  let server = null;
  const track = (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    // A cut or a peer gone: the other side is closed below; nothing to report.
    socket.on("error", () => {});
  };
  const listen = async () => {
    const listening = createServer((client) => {
      const upstream = connect({ host, port: targetPort });
      track(client);
      track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.once("close", () => upstream.destroy());
      upstream.once("close", () => client.destroy());
    });
    await new Promise((resolve, reject) => {
      listening.once("error", reject);
      listening.listen(port, host, () => resolve(undefined));
    });
    server = listening;
  };
  const cut = async () => {
    if (!server) return;
    const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
    server = null;
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await listen();
  return {
    url: `redis://${host}:${port}`,
    cut,
    restore: async () => {
      if (!server) await listen();
    },
    stop: cut,
  };
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
