import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "react-router";
import type { Route } from "./+types/root";
import { RouteErrorPage } from "./components/error-page";
import { SiteHeader } from "./components/site-header";
import { optionalUser } from "./server/session/require-user.server";
import { responseHeadersMiddleware } from "./server/http/response-headers.server";
import { serverTimingMiddleware } from "./server/http/server-timing.server";
import { sessionMiddleware } from "./server/session/session-middleware.server";
import { visitorMiddleware } from "./server/http/visitor-agent.server";
import { timedMiddleware } from "./server/http/stage-timings.server";
import stylesheet from "./styles.css?url";

// Headers outermost, so they reach every response, redirects included; Server-Timing next, so its
// total includes opening and writing the session. The visitor's User-Agent is set before the session
// middleware, whose renewals must carry it too.
// Under APP_STAGE_TIMINGS each is timed on its own (stage-timings.server.ts); otherwise they are the functions themselves.
const BETWEEN = "React Router between the middlewares";
export const middleware: Route.MiddlewareFunction[] = [
  timedMiddleware("response headers (middleware)", responseHeadersMiddleware, BETWEEN),
  timedMiddleware("Server-Timing (middleware)", serverTimingMiddleware, BETWEEN),
  timedMiddleware("visitor User-Agent (middleware)", visitorMiddleware, BETWEEN),
  timedMiddleware("session (middleware, cookie excluded)", sessionMiddleware, "loaders and React Router's data step"),
];

export const links: Route.LinksFunction = () => [
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "stylesheet", href: stylesheet },
];

export function loader({ context }: Route.LoaderArgs) {
  return { user: optionalUser(context) };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <SiteHeader user={data?.user ?? null} />
        <main>{children}</main>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  return <RouteErrorPage error={error} />;
}
