import { useFormAction, useNavigation } from "react-router";

/**
 * A submit button that shows progress while its own form is being sent. Without JavaScript it is
 * a plain button; with it, React Router submits without a reload and this reflects the wait.
 * `intent`: sent as the form's `intent` field, for pages whose forms share one action; only the
 * button whose intent is being sent shows progress.
 */
export function SubmitButton({
  children,
  pendingLabel,
  action,
  intent,
  className,
}: {
  children: React.ReactNode;
  pendingLabel: string;
  action?: string;
  intent?: string;
  className?: string;
}) {
  const navigation = useNavigation();
  const formAction = useFormAction(action);
  const pending =
    navigation.state !== "idle" &&
    navigation.formAction === formAction &&
    (intent === undefined || navigation.formData?.get("intent") === intent);
  return (
    <button type="submit" name={intent ? "intent" : undefined} value={intent} className={className} disabled={pending} aria-busy={pending || undefined}>
      {pending ? pendingLabel : children}
    </button>
  );
}
