import { config } from "#app/server/config.server.ts";
import { directusRequest } from "#app/server/directus/directus-transport.server.ts";

// A resource route: JSON for monitors, 503 when Directus does not answer its ping.
export async function loader() {
  let directus: "ok" | "unavailable" = "unavailable";
  try {
    if ((await directusRequest(`${config.directusUrl}/server/ping`)).ok) directus = "ok";
  } catch {
    // Unreachable or timed out: reported below.
  }
  return Response.json(
    { app: "ok", directus },
    { status: directus === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
