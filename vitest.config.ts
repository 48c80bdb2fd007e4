import { defineConfig } from "vitest/config";

// Two projects: `unit` (fast, no services) and `integration` (a throwaway Directus 11 started
// by tests/integration/global-setup.ts). This file takes precedence over vite.config.ts for
// Vitest, so the React Router plugin is not loaded in tests.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
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
    ],
  },
});
