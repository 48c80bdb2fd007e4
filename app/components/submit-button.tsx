import { useFormAction, useNavigation } from "react-router";

/**
 * A submit button that shows progress while its own form is being sent. Without JavaScript it is
 * a plain button; with it, React Router submits without a reload and this reflects the wait.
 */
export function SubmitButton({ children, pendingLabel, action }: { children: React.ReactNode; pendingLabel: string; action?: string }) {
  const navigation = useNavigation();
  const formAction = useFormAction(action);
  const pending = navigation.state !== "idle" && navigation.formAction === formAction;
  return (
    <button type="submit" disabled={pending} aria-busy={pending || undefined}>
      {pending ? pendingLabel : children}
    </button>
  );
}
