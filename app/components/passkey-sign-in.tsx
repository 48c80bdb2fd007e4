// "Sign in with a passkey" on /login and on the draft sign-in, and the browser's passkey autofill on
// the login's email field (conditional mediation). The challenge comes from /login/passkey, which
// keeps its id in the session; the answer goes back there (or with the draft, to its own page).
// Until the page's script runs (and without JavaScript) a note stands where the button will be.
import { useEffect, useState } from "react";
import { useFetcher, useNavigation, useSubmit } from "react-router";
import { WebAuthnAbortService } from "@simplewebauthn/browser";
import { FormAlert } from "./field";
import { authenticate, autofillSupported, useAskingFetcher, useHydrated, type OptionsAnswer } from "./passkey-ceremony";

const PASSKEY_ROUTE = "/login/passkey";
const NEEDS_JAVASCRIPT = "Signing in with a passkey needs JavaScript; your password works without it.";

// The autofill's options request, while it is on its way: its answer rewrites the session cookie, so
// the password form waits for it rather than racing it (the later cookie would win).
let autofillOptions: Promise<unknown> | null = null;

/** For the login form's onSubmit: holds a submission until the autofill's options are in. */
export function useAfterPasskeyOptions() {
  const submit = useSubmit();
  return (event: React.FormEvent<HTMLFormElement>) => {
    const pending = autofillOptions;
    if (!pending) return;
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const target = submitter instanceof HTMLButtonElement ? submitter : event.currentTarget;
    void pending.finally(() => submit(target, { method: "post" }));
  };
}

/** Asks for options, runs the browser's dialog; the answer, or what to tell the person. */
function usePasskeyAnswer() {
  const options = useAskingFetcher<OptionsAnswer>();
  const [message, setMessage] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const run = async (): Promise<string | null> => {
    setMessage(null);
    setWaiting(true);
    try {
      // The autofill's challenge first, so this one (asked after it) is the one the session keeps.
      await autofillOptions?.catch(() => {});
      const answer = await options.ask({ intent: "options" }, PASSKEY_ROUTE);
      if (!answer?.options) {
        setMessage(answer?.formError ?? null);
        return null;
      }
      const result = await authenticate(answer.options);
      if (result.ok) return result.response;
      setMessage(result.message);
      return null;
    } finally {
      setWaiting(false);
    }
  };
  return { run, message, waiting };
}

function PasskeyButton({ busy, onClick }: { busy: boolean; onClick: () => void }) {
  return (
    <button type="button" className="secondary" onClick={onClick} disabled={busy} aria-busy={busy || undefined}>
      {busy ? "Waiting for your passkey…" : "Sign in with a passkey"}
    </button>
  );
}

/** On /login: the button, and the autofill offering this site's passkeys in the email field. */
export function PasskeySignIn({ redirectTo }: { redirectTo: string | null }) {
  const hydrated = useHydrated();
  const button = usePasskeyAnswer();
  const autofill = useAskingFetcher<OptionsAnswer>();
  const signIn = useFetcher<{ formError?: string | null }>();
  const finish = (response: string) =>
    void signIn.submit({ intent: "sign-in", response, redirectTo: redirectTo ?? "" }, { method: "post", action: PASSKEY_ROUTE });

  useEffect(() => {
    let live = true;
    // Started when the person turns to the email field, not on every visit: each start is a challenge
    // in Directus's database (bounded per IP by the extension) and a rewrite of the session cookie.
    const start = async (event: FocusEvent) => {
      if (!(event.target instanceof HTMLInputElement) || !/\bwebauthn\b/.test(event.target.autocomplete)) return;
      document.removeEventListener("focusin", start);
      // Kept at once, so a form sent right after the focus waits for it (useAfterPasskeyOptions).
      const asked = autofillSupported().then((supported) => (supported && live ? autofill.ask({ intent: "options" }, PASSKEY_ROUTE) : undefined));
      autofillOptions = asked;
      const answer = await asked.finally(() => (autofillOptions = autofillOptions === asked ? null : autofillOptions));
      if (!answer?.options || !live) return;
      const result = await authenticate(answer.options, { autofill: true });
      // Nothing to say when the autofill ends unused: the person signs in another way.
      if (result.ok && live) finish(result.response);
    };
    document.addEventListener("focusin", start);
    return () => {
      live = false;
      document.removeEventListener("focusin", start);
      WebAuthnAbortService.cancelCeremony();
    };
    // Once per visit of the page.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (!hydrated) {
    return <p className="hint">{NEEDS_JAVASCRIPT}</p>;
  }
  const busy = button.waiting || signIn.state !== "idle";
  return (
    <div className="passkey-sign-in">
      <FormAlert message={signIn.state === "idle" ? (signIn.data?.formError ?? button.message) : null} />
      <PasskeyButton
        busy={busy}
        onClick={async () => {
          const response = await button.run();
          if (response) finish(response);
        }}
      />
    </div>
  );
}

/**
 * On the draft sign-in: the passkey's answer goes with the draft's own fields to the page that wrote
 * it, which signs in and saves (draft-sign-in.server.ts), as its password form does.
 */
export function DraftPasskeySignIn({ fields }: { fields: Record<string, string> }) {
  const hydrated = useHydrated();
  const button = usePasskeyAnswer();
  const submit = useSubmit();
  const navigation = useNavigation();
  if (!hydrated) {
    return <p className="hint">{NEEDS_JAVASCRIPT}</p>;
  }
  return (
    <div className="passkey-sign-in">
      <FormAlert message={button.message} />
      <PasskeyButton
        busy={button.waiting || navigation.state === "submitting"}
        onClick={async () => {
          const response = await button.run();
          if (response) void submit({ ...fields, response }, { method: "post" });
        }}
      />
    </div>
  );
}
