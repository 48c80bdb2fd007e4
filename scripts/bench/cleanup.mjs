// Everything the benchmark starts is stopped here, in reverse order, on success, failure or Ctrl-C.
const cleanups = [];
let cleaning = null;

/** Registers how to stop (or remove) something just started. */
export function onCleanup(stop) {
  cleanups.push(stop);
}

export function cleanup() {
  cleaning ??= (async () => {
    for (const stop of cleanups.reverse()) await stop().catch((error) => console.error(`cleanup: ${error.message}`));
  })();
  return cleaning;
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping everything the benchmark started`);
    cleanup().finally(() => process.exit(130));
  });
}
