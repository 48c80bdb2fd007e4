// "Add a passkey": the options from the page's own action (intent "add-options", which first sends the
// browser to "confirm it's you" when that is due), the browser's dialog, then the answer with the name
// typed (intent "add"). Without JavaScript the button is not shown: the page says passkeys need it.
import { useState } from "react";
import { useNavigation, useSubmit } from "react-router";
import { limits } from "#app/lib/limits.ts";
import { Field, FormAlert } from "./field";
import { register, useAskingFetcher, useHydrated, type OptionsAnswer } from "./passkey-ceremony";

export function AddPasskey({ nameError }: { nameError?: string }) {
  const hydrated = useHydrated();
  const options = useAskingFetcher<OptionsAnswer>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [message, setMessage] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  if (!hydrated) {
    return (
      <p className="hint" data-testid="passkeys-need-javascript">
        Adding a passkey needs JavaScript, which is off in this browser. You can still rename and remove your passkeys here.
      </p>
    );
  }
  const busy = waiting || (navigation.state === "submitting" && navigation.formData?.get("intent") === "add");
  const add = async (form: HTMLFormElement) => {
    setMessage(null);
    setWaiting(true);
    try {
      const name = String(new FormData(form).get("name") ?? "");
      const answer = await options.ask({ intent: "add-options" });
      // undefined: the action sent the browser on (to confirm it's you first).
      if (!answer?.options) return setMessage(answer?.formError ?? null);
      const result = await register(answer.options);
      if (!result.ok) return setMessage(result.message);
      void submit({ intent: "add", response: result.response, name }, { method: "post" });
    } finally {
      setWaiting(false);
    }
  };
  return (
    <form
      aria-labelledby="add-passkey-heading"
      onSubmit={(event) => {
        event.preventDefault();
        void add(event.currentTarget);
      }}
    >
      <h2 id="add-passkey-heading">Add a passkey</h2>
      <FormAlert message={message} />
      <Field
        label="Name (optional)"
        name="name"
        maxLength={limits.passkeyNameMax}
        hint="To tell your passkeys apart, such as “Work laptop”. Without one it is named after this browser."
        error={nameError}
      />
      <button type="submit" disabled={busy} aria-busy={busy || undefined}>
        {busy ? "Waiting for your passkey…" : "Add a passkey"}
      </button>
    </form>
  );
}
