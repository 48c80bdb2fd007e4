import type { Config } from "@react-router/dev/config";

export default {
  ssr: true,
  // The whole route manifest ships as one immutable asset instead of a partial manifest written into
  // every page: the server no longer matches each parent path of the URL against every route to
  // build it, and the browser asks no /__manifest questions as links appear (docs/decisions/022).
  routeDiscovery: { mode: "initial" },
  // Actions accept only same-origin POSTs by default (React Router answers others with 400).
  // Behind a proxy that rewrites Host, list the public origins in ALLOWED_ACTION_ORIGINS (see README).
  allowedActionOrigins: process.env.ALLOWED_ACTION_ORIGINS?.split(",").map((origin) => origin.trim()).filter(Boolean),
} satisfies Config;
