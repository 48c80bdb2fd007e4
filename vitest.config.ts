import { defineConfig } from "vitest/config";

// Three projects: `unit` (fast, no services), `integration` (a throwaway Directus 11 started
// by tests/integration/global-setup.ts) and `hardening` (each file starts its own Directus and the
// production build of the app, so `react-router build` must have run first). This file takes precedence over vite.config.ts for
// Vitest, so the React Router plugin is not loaded in tests.
// A fourth, `cluster`, exists only inside `npm run test:cluster`, which starts the cluster and
// names its settings file in CLUSTER_SETTINGS; `npm test` never runs it.
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
          environment: "node",
          // One provisioned Directus database, copied by each file (see the file for why).
          globalSetup: ["tests/hardening/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file runs its own Directus and app; one at a time keeps a 2-core machine honest about timings.
          fileParallelism: false,
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
