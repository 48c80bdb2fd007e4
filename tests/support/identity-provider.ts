// Plays the person at the local development provider (scripts/lib/identity-provider/), over HTTP:
// from the address the app sent them to, through its sign-in form, to the app's callback URL.
export class ProviderBrowser {
  private readonly jar = new Map<string, string>();

  private async hop(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as Record<string, string>), ...(cookie ? { Cookie: cookie } : {}) } });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq > 0) this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return response;
  }

  /**
   * Follows the provider's redirects from `start`, signing in as `login` when asked (any password),
   * or cancelling there; returns the first address on `appOrigin` (the callback, with its query).
   */
  async signIn(start: string, appOrigin: string, { login, cancel = false }: { login: string; cancel?: boolean }): Promise<URL> {
    let url = start;
    for (let hop = 0; hop < 12; hop++) {
      if (new URL(url).origin === appOrigin) return new URL(url);
      const response = await this.hop(url);
      const location = response.headers.get("Location");
      if (location) {
        url = new URL(location, url).href;
        continue;
      }
      const page = await response.text();
      if (cancel) {
        const abort = page.match(/href="([^"]+\/abort)"/)?.[1];
        if (!abort) throw new Error(`no cancel link at ${url}`);
        url = new URL(abort, url).href;
        continue;
      }
      const action = page.match(/<form[^>]*action="([^"]+)"/)?.[1];
      if (!action) throw new Error(`no sign-in form at ${url}: ${response.status}`);
      const submitted = await this.hop(new URL(action, url).href, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ prompt: "login", login, password: "any" }).toString(),
      });
      const next = submitted.headers.get("Location");
      if (!next) throw new Error(`the sign-in form answered ${submitted.status} without a redirect`);
      url = new URL(next, url).href;
    }
    throw new Error(`too many redirects at the provider from ${start}`);
  }
}
