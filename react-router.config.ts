import type { Config } from "@react-router/dev/config";

export default {
  ssr: true,
  // Actions accept only same-origin POSTs by default (React Router answers others with 400).
  // Behind a proxy that rewrites Host, list the public origins in ALLOWED_ACTION_ORIGINS (see README).
  allowedActionOrigins: process.env.ALLOWED_ACTION_ORIGINS?.split(",").map((origin) => origin.trim()).filter(Boolean),
} satisfies Config;
