import { Link } from "react-router";

type Problem = "invalid" | "expired" | "used";

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

/** Why an emailed link cannot be used, as the page's heading and first paragraph. */
export function LinkProblemNotice({ problem, titleId, flow }: { problem: Problem; titleId: string; flow: "verification" | "reset" }) {
  const { title, text } = (flow === "verification" ? verification : reset)[problem];
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
