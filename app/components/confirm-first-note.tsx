/**
 * Said before a form whose action secures or hands over the account: it will ask "confirm it's you"
 * first (docs/decisions/023), unless this session did so a few minutes ago.
 */
export function ConfirmFirstNote({ confirmed, provider = null }: { confirmed: boolean; provider?: string | null }) {
  if (confirmed) return null;
  // An account of an identity provider has no password here: it is never told of one.
  return (
    <p className="hint">
      {provider
        ? `First we ask you to confirm it's you, by signing in again with ${provider}.`
        : "First we ask you to confirm it's you: with your password, or by signing in again where you usually sign in."}
    </p>
  );
}
