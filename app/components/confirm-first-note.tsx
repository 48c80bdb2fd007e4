/**
 * Said before a form whose action secures or hands over the account: it will ask "confirm it's you"
 * first (docs/decisions/023), unless this session did so a few minutes ago.
 */
export function ConfirmFirstNote({ confirmed }: { confirmed: boolean }) {
  return confirmed ? null : (
    <p className="hint">
      First we ask you to confirm it's you: with your password, or by signing in again where you usually sign in.
    </p>
  );
}
