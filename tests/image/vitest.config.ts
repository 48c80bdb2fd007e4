import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The image test's own config, outside vitest.config.ts's projects: it needs the image that
// `npm run test:image` builds first (scripts/test-image.mjs), so neither `npm test` nor a bare
// `vitest run` picks it up.
export default defineConfig({
  test: {
    name: "image",
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["tests/image/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One image, its containers on the host's network: one file at a time.
    fileParallelism: false,
  },
});
