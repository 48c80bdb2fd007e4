// The one small helper every process of the cluster goes through: spawn it, append its output to a
// log file, wait until it is ready, and stop it by its own PID (SIGTERM, then SIGKILL). Whatever is
// still running when this Node process exits, however it exits, is killed.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { connect } from "node:net";

/** Children still running, killed with SIGKILL if this process exits before stopping them. */
const running = new Set();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts `command` and resolves once `ready()` returns true, or rejects (after killing it) when it
 * exits first or `readyTimeoutMs` passes; the error ends with the last lines of its log.
 */
export async function startProcess({
  name,
  command,
  args = [],
  env = process.env,
  cwd,
  uid,
  gid,
  logFile,
  ready = async () => true,
  readyTimeoutMs = 60_000,
  stopSignal = "SIGTERM",
  stopTimeoutMs = 10_000,
}) {
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(command, args, { cwd, env, uid, gid, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let exit = null;
  let spawnError = null;
  running.add(child);
  const exited = new Promise((resolve) => {
    const done = (result) => {
      exit ??= result;
      running.delete(child);
      resolve(exit);
    };
    child.once("exit", (code, signal) => done({ code, signal }));
    child.once("error", (error) => {
      spawnError = error;
      done({ code: null, signal: null });
    });
  });
  child.once("close", () => log.end());

  const handle = {
    name,
    pid: child.pid,
    logFile,
    exited,
    isRunning: () => exit === null,
    /** `stopSignal` (SIGTERM), then SIGKILL after `timeoutMs`; resolves once the process is gone. */
    async stop(timeoutMs = stopTimeoutMs) {
      if (!handle.isRunning()) return;
      child.kill(stopSignal);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (spawnError) throw new Error(`${name}: cannot start ${command}: ${spawnError.message}`);
    if (exit) throw new Error(`${name} exited while starting (code ${exit.code}, signal ${exit.signal})\n${await tail(logFile)}`);
    if (await ready().catch(() => false)) return handle;
    if (Date.now() > deadline) {
      await handle.stop(2_000);
      throw new Error(`${name} was not ready within ${readyTimeoutMs} ms\n${await tail(logFile)}`);
    }
    await sleep(100);
  }
}

/** Kills a child started elsewhere (Directus, the app) if this process exits while it still runs. */
export function killOnExit(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  running.add(child);
  child.once("exit", () => running.delete(child));
}

/** Runs a command to completion (output to `logFile`); rejects on a non-zero exit. */
export async function runCommand({ name, command, args = [], env = process.env, cwd, uid, gid, logFile }) {
  const handle = await startProcess({ name, command, args, env, cwd, uid, gid, logFile });
  const { code, signal } = await handle.exited;
  if (code !== 0) throw new Error(`${name} failed (code ${code}, signal ${signal})\n${await tail(logFile)}`);
}

/** True when something accepts TCP connections on host:port. */
export function isListening(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** The last lines of a log file, for error messages. */
export async function tail(file, lines = 20) {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
