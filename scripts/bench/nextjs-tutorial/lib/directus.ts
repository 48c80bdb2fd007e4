import { authentication, createDirectus, rest } from '@directus/sdk';

// The tutorial's one module-level client for every visitor. Its URL is "http://localhost:8055"; the
// benchmark's Directus runs on a free port, so it comes from DIRECTUS_URL here.
const client = createDirectus(process.env.DIRECTUS_URL ?? "http://localhost:8055").with(rest()).with(authentication("cookie", { credentials: "include" }));

export default client;
