// CPU time and memory from /proc (Linux): what each process costs per request, and where the
// machine's cores go. A CPU sampler is an async function returning the CPU seconds each named
// process has used so far; `cannon` (load.mjs) reads one before and after each run.
import { readdir, readFile } from "node:fs/promises";

// USER_HZ: the unit of the times in /proc/<pid>/stat and /proc/stat.
const CLOCK_TICKS = 100;

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces): index 0 is field 3. */
async function statFields(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** CPU seconds (user + system) a process has used so far. */
export async function cpuSeconds(pid) {
  const fields = await statFields(pid);
  // utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** A sampler of each named process's own CPU seconds. */
export function processCpu(pids) {
  const names = Object.keys(pids);
  return async () => {
    const seconds = await Promise.all(names.map((name) => cpuSeconds(pids[name])));
    return Object.fromEntries(names.map((name, i) => [name, seconds[i]]));
  };
}

/**
 * A sampler of each named process's CPU seconds together with its descendants' (PostgreSQL serves
 * each connection from a child process; a descendant that is itself named counts only under its
 * own name), plus `machine`: every process on the machine, and `wall`: elapsed seconds, so that
 * per request answered, `machine ÷ wall` is the cores kept busy. Each living process counts its own
 * time and that of the children it has reaped (cutime, cstime), so a PostgreSQL backend that exits
 * is still counted, once. One pass over /proc serves every name.
 */
export function processTreeCpu(pids) {
  const roots = new Set(Object.values(pids));
  return async () => {
    // The clock and the machine first, together: the pass over /proc after them takes a while on a busy machine.
    const wall = performance.now() / 1000;
    const machine = await machineBusySeconds();
    const processes = await listProcesses();
    const result = {};
    for (const [name, pid] of Object.entries(pids)) {
      const tree = descendants(processes, pid, roots);
      result[name] = processes.filter((entry) => tree.has(entry.pid)).reduce((sum, entry) => sum + entry.ticks, 0) / CLOCK_TICKS;
    }
    return { ...result, machine, wall };
  };
}

async function listProcesses() {
  const pids = (await readdir("/proc")).filter((entry) => /^\d+$/.test(entry));
  // A process may end between the listing and the read.
  const fields = await Promise.all(pids.map((pid) => statFields(pid).catch(() => null)));
  return pids.flatMap((pid, i) => {
    const f = fields[i];
    return f ? [{ pid: Number(pid), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) }] : [];
  });
}

/** `root` and every process below it, short of the other `roots` and theirs. */
function descendants(processes, root, roots) {
  const tree = new Set([root]);
  // A child may be listed before its parent: repeat until no process joins.
  for (let grown = true; grown; ) {
    grown = false;
    for (const { pid, ppid } of processes) {
      if (!tree.has(pid) && !roots.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grown = true;
      }
    }
  }
  return tree;
}

/** CPU seconds every process on the machine has used so far, on all cores (idle, I/O wait and steal excluded). */
async function machineBusySeconds() {
  const [user, nice, system, , , irq, softirq] = (await readFile("/proc/stat", "utf8")).split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq) / CLOCK_TICKS;
}

export async function peakRss(pid) {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1] ?? NaN);
  return { hwmMb: kb("VmHWM") / 1024, rssMb: kb("VmRSS") / 1024 };
}
