import { Link, useRouteLoaderData } from "react-router";
import type { Route } from "./+types/home";
import type { loader as rootLoader } from "#app/root.tsx";

export const meta: Route.MetaFunction = () => [
  { title: "Directus authentication with React Router" },
  { name: "description", content: "Register, log in and write posts, with Directus as the backend." },
];

export default function Home() {
  const signedIn = Boolean(useRouteLoaderData<typeof rootLoader>("root")?.user);
  return (
    <section className="card" aria-labelledby="home-title">
      <h1 id="home-title">Directus authentication with React Router</h1>
      <p>
        Register an account, log in and write posts. Directus stores everything and decides who may
        change what; this app keeps your session in a signed, HTTP-only cookie.
      </p>
      <p className="actions">
        {signedIn ? (
          <Link to="/dashboard" className="button">Go to your dashboard</Link>
        ) : (
          <>
            <Link to="/register" className="button">Register</Link>
            <Link to="/login">Log in</Link>
          </>
        )}
      </p>
    </section>
  );
}
