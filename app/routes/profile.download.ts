// "Download your data": the extension's JSON document, passed on as it arrives (docs/decisions/027).
import type { Route } from "./+types/profile.download";
import { downloadExport } from "#app/server/account/data-export.server.ts";

export function loader(args: Route.LoaderArgs) {
  return downloadExport(args);
}
