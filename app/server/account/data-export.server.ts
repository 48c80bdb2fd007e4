// "Download your data" (docs/decisions/027): the account-ownership extension writes the signed-in
// user's data as one JSON document, piece by piece; this passes its body on to the browser as it
// arrives, never holding it whole, so a large account costs this server no more memory than a small
// one. Until Directus's first byte a failure is a page that says so; after it, a failure cuts the
// download (the browser sees it incomplete, never a shorter file that still parses).
import stylesheet from "../../styles.css?url";
import { config } from "../config.server";
import { directusStream, type DirectusStream } from "../directus/directus-transport.server";
import { classifyDirectusError, isRouteResponse } from "../directus/directus-errors.server";
import { failureMessage } from "../directus/failure-messages.server";
import { clientIp } from "../http/client-ip.server";
import { visitorUserAgent } from "../http/visitor-agent.server";
import { loginRedirect, requireUser, SESSION_ENDED_MESSAGE, type GuardArgs, type SignedIn } from "../session/require-user.server";
import { signOut } from "../session/session.server";

export const EXPORT_PATH = "/account-ownership/export";

export const EXPORT_UNAVAILABLE = "Your data could not be downloaded just now: Directus is not answering. Please try again in a moment.";
export const EXPORT_NOT_OFFERED = "Downloading your data is not available on this site right now. Please try again later.";

/** "account-2026-12-06.json": the day it was made, in UTC like every date the app shows. */
export function exportFileName(now = new Date()): string {
  return `account-${now.toISOString().slice(0, 10)}.json`;
}

/**
 * What the browser is told when there is nothing to download: a short page of its own, 503 unless
 * said. A resource route renders no layout, so the page links the app's stylesheet and uses its
 * error page's markup to look like the rest of the app.
 */
export function exportFailurePage(message: string, status = 503): Response {
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Your data could not be downloaded</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="${stylesheet}"></head>
<body><main><section class="error-page" aria-labelledby="error-title"><h1 id="error-title">Your data could not be downloaded</h1>
<p role="alert">${escapeHtml(message)}</p><p class="muted">Error ${status}</p><p><a href="/profile">Back to your profile</a></p></section></main></body>
</html>
`;
  return new Response(html, { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The loader's whole work. The session is checked with Directus first (and renewed if need be), so
 * the download starts with a live token; every failure before the first byte becomes the page above,
 * since a resource route has no error boundary to show one. Only a redirect (to /login) goes through.
 */
export async function downloadExport(args: GuardArgs): Promise<Response> {
  let signedIn: SignedIn;
  try {
    signedIn = await requireUser(args, { confirm: true });
  } catch (error) {
    return failureBeforeDownload(error);
  }
  const token = signedIn.session.session.get("tokens")?.accessToken;
  if (!token) throw loginRedirect(args.request);
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
  const ip = clientIp(args.request);
  if (ip) headers["X-Forwarded-For"] = ip;
  const userAgent = visitorUserAgent();
  if (userAgent !== undefined) headers["User-Agent"] = userAgent ?? "";

  let answer: DirectusStream;
  try {
    answer = await directusStream(`${config.directusUrl}${EXPORT_PATH}`, { headers });
  } catch {
    return exportFailurePage(EXPORT_UNAVAILABLE);
  }
  if (answer.status !== 200) {
    await answer.discard().catch(() => {});
    return refusedExport(signedIn, args.request, answer.status);
  }
  return new Response(answer.body, {
    status: 200,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${exportFileName()}"`,
      "Cache-Control": "no-store",
    },
  });
}

/** What requireUser threw: a redirect passes, an error page it meant (Directus down, rate-limited) becomes ours. */
function failureBeforeDownload(error: unknown): Response {
  if (error instanceof Response) throw error;
  if (isRouteResponse(error)) {
    const { data: body, init } = error as { data?: { message?: unknown }; init?: { status?: number } | null };
    const message = typeof body?.message === "string" ? body.message : EXPORT_UNAVAILABLE;
    return exportFailurePage(message, init?.status ?? 503);
  }
  const failure = classifyDirectusError(error);
  return failure.kind === "rate-limited" ? exportFailurePage(failureMessage(failure), 429) : exportFailurePage(EXPORT_UNAVAILABLE);
}

/** Directus answered, but not with the document: the status alone says why (its body is not needed). */
function refusedExport(signedIn: SignedIn, request: Request, status: number): Response {
  if (status === 401) {
    signOut(signedIn.session, SESSION_ENDED_MESSAGE);
    throw loginRedirect(request);
  }
  if (status === 429) return exportFailurePage(failureMessage({ kind: "rate-limited" }), 429);
  if (status === 403) return exportFailurePage(failureMessage({ kind: "forbidden" }), 403);
  // No such route: this Directus does not run the account-ownership extension.
  if (status === 404) return exportFailurePage(EXPORT_NOT_OFFERED);
  return exportFailurePage(EXPORT_UNAVAILABLE);
}
