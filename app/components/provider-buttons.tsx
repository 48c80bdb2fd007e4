/**
 * "Continue with …" for each identity provider the app offers; nothing when there is none. Plain
 * forms: the answer is a redirect to the provider's own site, which a script could not make better,
 * so the same POST works with JavaScript on or off.
 */
export function ProviderButtons({ providers, redirectTo }: { providers: { name: string; label: string }[]; redirectTo: string | null }) {
  if (providers.length === 0) return null;
  return (
    <div className="provider-buttons" aria-label="Other ways to sign in" role="group">
      {providers.map((provider) => (
        <form key={provider.name} method="post" action={`/auth/login/${provider.name}`}>
          <input type="hidden" name="redirectTo" value={redirectTo ?? ""} />
          <button type="submit" className="secondary">Continue with {provider.label}</button>
        </form>
      ))}
    </div>
  );
}
