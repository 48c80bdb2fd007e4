// "Confirm it's you" with one of the account's passkeys: the options from the page's own action
// (intent "passkey-options"), the browser's dialog, then the answer (intent "passkey"), which goes on
// to the action that waits, as the other ways do.
import { useNavigation, useSubmit } from "react-router";
import { useState } from "react";
import { FormAlert } from "./field";
import { authenticate, useAskingFetcher, useHydrated, type OptionsAnswer } from "./passkey-ceremony";

export function ConfirmWithPasskey({ alone }: { alone: boolean }) {
  const hydrated = useHydrated();
  const options = useAskingFetcher<OptionsAnswer>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [message, setMessage] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const lead = alone ? "Use one of your passkeys." : "Or use one of your passkeys.";
  if (!hydrated) {
    return <p className="hint">{`${lead} Passkeys need JavaScript.`}</p>;
  }
  const busy = waiting || (navigation.state === "submitting" && navigation.formData?.get("intent") === "passkey");
  const confirm = async () => {
    setMessage(null);
    setWaiting(true);
    try {
      const answer = await options.ask({ intent: "passkey-options" });
      if (!answer?.options) return setMessage(answer?.formError ?? null);
      const result = await authenticate(answer.options);
      if (!result.ok) return setMessage(result.message);
      void submit({ intent: "passkey", response: result.response }, { method: "post" });
    } finally {
      setWaiting(false);
    }
  };
  return (
    <div className="passkey-confirm">
      <p>{lead}</p>
      <FormAlert message={message} />
      <button type="button" onClick={confirm} disabled={busy} aria-busy={busy || undefined}>
        {busy ? "Waiting for your passkey…" : "Confirm with a passkey"}
      </button>
    </div>
  );
}
