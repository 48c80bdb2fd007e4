// Every Directus instance down at once: the app instances cannot reach Directus, so their /healthz
// fails and the proxy's primary app backend has nobody left. Visitors must still get the app's own
// answers (public pages, its 503 page and /healthz's report), not the proxy's bare 503; and all of
// it must come back once Directus does.
import { afterAll, describe, expect, it } from "vitest";
import { control, settings, waitForStatus } from "./cluster.ts";

const directusNames = settings.directus.instances.map(({ name }) => name);
const appNames = settings.app.instances.map(({ name }) => name);

async function get(path: string) {
  const response = await fetch(new URL(path, settings.app.url), { redirect: "manual" });
  return { status: response.status, servedBy: response.headers.get("x-served-by"), body: await response.text() };
}

describe("every Directus instance down", () => {
  afterAll(async () => {
    await Promise.all(directusNames.map((name) => control("start", name).catch(() => {})));
    await Promise.all([...directusNames, ...appNames].map((name) => waitForStatus(name, "UP")));
  });

  it("the app instances still answer through the proxy, with the app's own pages, and are back in the rotation after", async () => {
    await Promise.all(directusNames.map((name) => control("stop", name)));
    // Their /healthz asks Directus: the primary backend takes both app instances out.
    await Promise.all(appNames.map((name) => waitForStatus(name, "DOWN")));

    const login = await get("/login");
    expect([login.status, login.servedBy]).toEqual([200, expect.stringMatching(/^app\d/)]);
    expect(login.body).toContain("<h1");
    const health = await get("/healthz");
    expect([health.status, JSON.parse(health.body)]).toEqual([503, { app: "ok", directus: "unavailable" }]);
    const dashboard = await get("/dashboard");
    expect([dashboard.status, dashboard.servedBy]).toEqual([302, expect.stringMatching(/^app\d/)]);

    await Promise.all(directusNames.map((name) => control("start", name)));
    await Promise.all([...directusNames, ...appNames].map((name) => waitForStatus(name, "UP")));
    const back = await get("/healthz");
    expect([back.status, JSON.parse(back.body)]).toEqual([200, { app: "ok", directus: "ok" }]);
  });
});
