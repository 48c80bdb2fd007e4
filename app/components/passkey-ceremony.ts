// The browser's side of a passkey ceremony (docs/decisions/024): @simplewebauthn/browser runs the
// browser's own dialog with the options the server sent; its answer goes back as JSON text in a form
// field. Each step is a fetcher submission, so redirects, revalidation and sessions work as for any
// form. Passkeys need JavaScript: the buttons that start one are shown only once the page runs it.
import { useEffect, useRef, useState } from "react";
import { useFetcher } from "react-router";
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/browser";

export const PASSKEY_DECLINED = "No passkey was used. You can try again.";
export const PASSKEY_UNSUPPORTED = "This browser cannot use passkeys.";
const ALREADY_ADDED = "This device already holds a passkey for your account.";

/** True once React runs in this browser (never in the server's HTML). */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/** The browser's answer as the forms send it, or what to tell the person (null: nothing, the ceremony was replaced). */
export type Ceremony = { ok: true; response: string } | { ok: false; message: string | null };

function declined(error: unknown): Ceremony {
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  // Replaced by a newer ceremony (the button after the autofill one): that one answers.
  if (name === "AbortError" || code === "ERROR_CEREMONY_ABORTED") return { ok: false, message: null };
  if (code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") return { ok: false, message: ALREADY_ADDED };
  return { ok: false, message: PASSKEY_DECLINED };
}

export async function authenticate(optionsJSON: unknown, { autofill = false } = {}): Promise<Ceremony> {
  if (!browserSupportsWebAuthn()) return { ok: false, message: PASSKEY_UNSUPPORTED };
  try {
    const answer = await startAuthentication({ optionsJSON: optionsJSON as PublicKeyCredentialRequestOptionsJSON, useBrowserAutofill: autofill });
    return { ok: true, response: JSON.stringify(answer) };
  } catch (error) {
    return declined(error);
  }
}

export async function register(optionsJSON: unknown): Promise<Ceremony> {
  if (!browserSupportsWebAuthn()) return { ok: false, message: PASSKEY_UNSUPPORTED };
  try {
    return { ok: true, response: JSON.stringify(await startRegistration({ optionsJSON: optionsJSON as PublicKeyCredentialCreationOptionsJSON })) };
  } catch (error) {
    return declined(error);
  }
}

export const autofillSupported = () => browserSupportsWebAuthnAutofill().catch(() => false);

/** What an options request answers: the options, or why there are none. */
export type OptionsAnswer = { options?: unknown; formError?: string | null };

/**
 * A fetcher whose submission can be awaited: resolves with the action's answer once it is in, or with
 * undefined when the action redirected instead (the router follows it, as for any form).
 */
export function useAskingFetcher<T>() {
  // The answers are plain JSON (options, a message): typed here rather than through an action's type.
  const fetcher = useFetcher() as { state: string; data: T | undefined; submit: ReturnType<typeof useFetcher>["submit"] };
  const waiting = useRef<{ resolve: (answer: T | undefined) => void; before: T | undefined; sent: boolean } | null>(null);
  useEffect(() => {
    const pending = waiting.current;
    if (!pending) return;
    if (fetcher.state !== "idle") pending.sent = true;
    else if (pending.sent) {
      waiting.current = null;
      pending.resolve(fetcher.data === pending.before ? undefined : fetcher.data);
    }
  }, [fetcher.state, fetcher.data]);
  const ask = (body: Record<string, string>, action?: string) =>
    new Promise<T | undefined>((resolve) => {
      waiting.current = { resolve, before: fetcher.data, sent: false };
      // Asking for options changes no page data: the page's loaders are not run again (the draft
      // sign-in's page would send a signed-out visitor to /login, and the draft with them).
      void fetcher.submit(body, { method: "post", defaultShouldRevalidate: false, ...(action ? { action } : {}) });
    });
  return { ask, busy: fetcher.state !== "idle" || waiting.current !== null, data: fetcher.data };
}
