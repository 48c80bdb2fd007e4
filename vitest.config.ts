import { defineConfig } from "vitest/config";

// Four projects: `unit` (fast, no services), `integration` (a throwaway Directus 11 started
// by tests/integration/global-setup.ts), `hardening` and `hardening-timed` (each file starts its own
// Directus and the production build of the app, so `react-router build` must have run first). They
// run in this order: unit; hardening, three files at a time; hardening-timed, one file at a time with
// nothing else running; integration, one file at a time. This file takes precedence over
// vite.config.ts for Vitest, so the React Router plugin is not loaded in tests.
// A fourth, `cluster`, exists only inside `npm run test:cluster`, which starts the cluster and
// names its settings file in CLUSTER_SETTINGS; `npm test` never runs it.
/** Hardening files that assert on time or memory: the "hardening-timed" project runs them alone. */
const TIMED_HARDENING = [
  "tests/hardening/account-data.test.ts",
  "tests/hardening/account-flows.test.ts",
  "tests/hardening/auth-flow.test.ts",
  "tests/hardening/load-expiry.test.ts",
  "tests/hardening/nasty-content.test.ts",
  "tests/hardening/outage.test.ts",
  "tests/hardening/shutdown.test.ts",
  "tests/hardening/timeout.test.ts",
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts", "directus-extensions/*/tests/**/*.test.js"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/integration/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // One Directus, shared state: run test files one after another.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "hardening",
          include: ["tests/hardening/**/*.test.ts"],
          exclude: TIMED_HARDENING,
          environment: "node",
          // One provisioned Directus database, copied by each file (see the file for why).
          globalSetup: ["tests/hardening/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file runs its own Directus and app, and spends most of its time waiting (stall
          // times, expiry windows, limiters): several at once fill the CPU a single file leaves idle.
          // After the unit tests (Vitest runs a group order's projects together, with one maxWorkers).
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          // The files that measure time (a stall's class, a latency bound, a grace period) or memory (a
          // large download's bound) run alone, one at a time, so nothing else on a 2-core machine moves
          // their figures.
          name: "hardening-timed",
          include: TIMED_HARDENING,
          environment: "node",
          globalSetup: ["tests/hardening/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
      ...(process.env.CLUSTER_SETTINGS
        ? [
            {
              test: {
                name: "cluster",
                include: ["tests/cluster/**/*.test.ts"],
                environment: "node",
                testTimeout: 180_000,
                hookTimeout: 60_000,
                // One cluster, and a test that stops half of it: one file at a time.
                fileParallelism: false,
              },
            },
          ]
        : []),
    ],
  },
});
