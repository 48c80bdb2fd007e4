import type { NextConfig } from "next";

// create-next-app's empty config, plus one line for the benchmark: this copy is built inside another
// project's folder, and Turbopack would otherwise take that project's lockfile for the workspace root.
const nextConfig: NextConfig = {
  turbopack: { root: __dirname },
  outputFileTracingRoot: __dirname,
};

export default nextConfig;
