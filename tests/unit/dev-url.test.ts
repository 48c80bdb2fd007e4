// `npm run dev` must let a newcomer add and use a passkey: WebAuthn refuses an IP address as the
// relying party, so the development URL is a host name, and vite serves exactly that URL.
import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { DEV_APP_URL } from "#app/lib/account-links.ts";

describe("the development URL", () => {
  it("names a host, not an IP address, so the browser takes it as a passkey's relying party", () => {
    const url = new URL(DEV_APP_URL);
    expect(isIP(url.hostname.replace(/^\[|\]$/g, ""))).toBe(0);
    expect(url.hostname).toBe("localhost");
  });

  it("is where vite's dev server listens, on a fixed port", async () => {
    const { default: config } = await import("../../vite.config.ts");
    const url = new URL(DEV_APP_URL);
    expect(config.server).toMatchObject({ host: url.hostname, port: Number(url.port), strictPort: true });
  });
});
