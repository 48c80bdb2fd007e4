import { Link } from "react-router";

type Problem = "invalid" | "expired" | "used";
/**
 * An email-change link can also find its new address taken by then, its change cancelled from the
 * old address (or already confirmed, for the cancel link), or another account signed in.
 */
type EmailChangeProblem = Problem | "taken" | "cancelled" | "confirmed" | "other-account";

const verification: Record<Problem, { title: string; text: string }> = {
  invalid: { title: "This link does not work", text: "Check that you opened the whole link from the email, not part of it." },
  expired: { title: "This link has expired", text: "Confirmation links work for a limited time; you can get a new one." },
  used: { title: "This link has already been used", text: "Your address is confirmed, or the account no longer waits for it." },
};

const reset: Record<Problem, { title: string; text: string }> = {
  invalid: { title: "This link does not work", text: "Check that you opened the whole link from the email, not part of it." },
  expired: { title: "This link has expired", text: "Password-reset links work for 24 hours." },
  used: { title: "This link has already been used", text: "A reset link works once: after that, the password it reset no longer matches it." },
};

const emailChange: Record<EmailChangeProblem, { title: string; text: string }> = {
  invalid: { title: "This link does not work", text: "Check that you opened the whole link from the email, not part of it." },
  expired: { title: "This link has expired", text: "Email-change links work for an hour. Ask for a new one from your profile." },
  used: { title: "This link has already been used", text: "The account's email address has changed since this link was sent: log in with the new address." },
  taken: { title: "This address is no longer free", text: "Another account uses it now, so your address stays as it was. Choose another one from your profile." },
  cancelled: { title: "This change was cancelled", text: "It was cancelled from the account's current address, so the address stays as it was." },
  confirmed: { title: "Too late to cancel", text: "The change was already confirmed. If it was not you, tell the site's administrator." },
  "other-account": {
    title: "This link is for another account",
    text: "You are logged in to an account that did not ask for this change, so nothing changed. Log out, then open the link again and log in as the account that asked.",
  },
};

/** Why an emailed link cannot be used, as the page's heading and first paragraph. */
export function LinkProblemNotice(
  props: { problem: Problem; titleId: string; flow: "verification" | "reset" } | { problem: EmailChangeProblem; titleId: string; flow: "email-change" },
) {
  const { problem, titleId, flow } = props;
  if (props.flow === "email-change") {
    const { title, text } = emailChange[props.problem];
    return (
      <>
        <h1 id={titleId}>{title}</h1>
        <p role="alert">{text}</p>
        <p>
          <Link to="/profile/email">Change your email address</Link> or <Link to="/login">log in</Link>.
        </p>
      </>
    );
  }
  const { title, text } = (flow === "verification" ? verification : reset)[problem as Problem];
  return (
    <>
      <h1 id={titleId}>{title}</h1>
      <p role="alert">{text}</p>
      {flow === "reset" ? (
        <p>
          <Link to="/forgot-password">Ask for a new link</Link> or <Link to="/login">log in</Link>.
        </p>
      ) : problem === "used" ? (
        <p>
          <Link to="/login">Log in</Link>
        </p>
      ) : null}
    </>
  );
}
