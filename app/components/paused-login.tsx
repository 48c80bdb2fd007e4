import { Form } from "react-router";
import { SubmitButton } from "./submit-button";

/**
 * Under a refused login (429): what the owner can do while a stranger's failed attempts pause new
 * browsers. A plain form post, so it works without JavaScript too.
 */
export function PausedLoginHelp({ email }: { email: string }) {
  return (
    <div className="paused-login" aria-labelledby="paused-title">
      <h2 id="paused-title">Is this your account?</h2>
      <p>
        Logins from new browsers are paused after many failed attempts, which may not be yours. A browser you have logged in
        to this account with before is not held back: log in from it. Or we can email the account's address a link that
        unlocks this browser, then log in here with your password.
      </p>
      <Form method="post" action="/login/unlock" className="inline-form">
        <input type="hidden" name="email" value={email} />
        <SubmitButton action="/login/unlock" intent="send" pendingLabel="Sending…">
          Email me a link to unlock this browser
        </SubmitButton>
      </Form>
    </div>
  );
}
