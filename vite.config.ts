import { reactRouter } from "@react-router/dev/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [reactRouter()],
  // The development URL, DEV_APP_URL (app/lib/account-links.ts): the port is fixed, since Directus's
  // link allow lists, the development provider's return address and the passkeys' relying party all name it.
  server: { host: "localhost", port: 5173, strictPort: true },
});
