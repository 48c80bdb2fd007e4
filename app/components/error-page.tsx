import { isRouteErrorResponse, Link } from "react-router";

const titles: Record<number, string> = {
  400: "That request could not be handled",
  403: "You can't do that",
  404: "Page not found",
  429: "Too many attempts",
  503: "Directus is not answering",
};

const defaults: Record<number, string> = {
  403: "You don't have permission for this.",
  404: "There is nothing at this address.",
  503: "The content service is unavailable right now. Please try again in a moment.",
};

export function ErrorPage({ status, message, detail }: { status: number; message?: string; detail?: string }) {
  const title = titles[status] ?? "Something went wrong";
  return (
    <section className="error-page" aria-labelledby="error-title">
      {/* React hoists it into <head>: an error page has no route meta to name the document. */}
      <title>{title}</title>
      <h1 id="error-title">{title}</h1>
      <p role="alert">{message ?? defaults[status] ?? "An unexpected error happened. Please try again."}</p>
      <p className="muted">Error {status}</p>
      {detail ? <pre className="error-detail">{detail}</pre> : null}
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </section>
  );
}

/** What every route's ErrorBoundary renders: the thrown status and message, or a plain 500. */
export function RouteErrorPage({ error }: { error: unknown }) {
  if (isRouteErrorResponse(error)) {
    const message = typeof error.data?.message === "string" ? error.data.message : undefined;
    return <ErrorPage status={error.status} message={message} />;
  }
  // Details only in development: production renders the same friendly page with no stack.
  const detail = import.meta.env.DEV && error instanceof Error ? error.stack : undefined;
  return <ErrorPage status={500} detail={detail} />;
}
