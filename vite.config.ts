import { reactRouter } from "@react-router/dev/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [reactRouter()],
  // The development URL, DEV_APP_URL (app/lib/account-links.ts): the port is fixed, since Directus's
  // link allow lists, the development provider's return address and the passkeys' relying party all name it.
  server: { host: "localhost", port: 5173, strictPort: true },
  // Build-time, as React Router's allowedActionOrigins (react-router.config.ts): the resource routes'
  // own origin check (app/server/http/same-origin.server.ts) admits the same hosts.
  define: { __ALLOWED_ACTION_ORIGINS__: JSON.stringify(process.env.ALLOWED_ACTION_ORIGINS ?? "") },
});
