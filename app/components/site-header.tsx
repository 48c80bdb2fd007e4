import { Form, Link } from "react-router";
import { displayName, type SessionUser } from "#app/lib/user.ts";
import { SubmitButton } from "./submit-button";

export function SiteHeader({ user }: { user: SessionUser | null }) {
  return (
    <header className="site-header">
      <Link to={user ? "/dashboard" : "/"} className="brand">
        Directus × React Router
      </Link>
      <nav aria-label="Account">
        {user ? (
          <>
            <Link to="/profile" className="user-name">{displayName(user)}</Link>
            <Form method="post" action="/logout" className="inline">
              <SubmitButton pendingLabel="Logging out…">Log out</SubmitButton>
            </Form>
          </>
        ) : (
          <>
            <Link to="/login">Log in</Link>
            <Link to="/register">Register</Link>
          </>
        )}
      </nav>
    </header>
  );
}
