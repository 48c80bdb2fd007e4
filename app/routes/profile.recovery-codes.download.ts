// The new batch of recovery codes as a text file, while the page still shows it (docs/decisions/025).
import { redirect } from "react-router";
import type { Route } from "./+types/profile.recovery-codes.download";
import { RECOVERY_CODES_PATH } from "#app/lib/recovery-codes.ts";
import { recoveryCodesFile } from "#app/server/account/recovery-codes.server.ts";
import { requireUser } from "#app/server/session/require-user.server.ts";

export async function loader(args: Route.LoaderArgs) {
  const { session, user } = await requireUser(args);
  return recoveryCodesFile(session, user.email) ?? redirect(RECOVERY_CODES_PATH);
}
