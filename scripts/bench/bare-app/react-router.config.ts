// The benchmark's bare React Router app: the framework alone, for scripts/bench/. build.mjs builds it
// in a temporary copy, with a package.json written from the project's; the project's tsc checks it.
export default { ssr: true };
