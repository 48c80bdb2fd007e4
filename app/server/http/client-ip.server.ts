// The visitor's IP as the Node server saw it. server.mjs overwrites this header on every request
// (using Express's trust-proxy rules), so a visitor cannot choose it.
export const CLIENT_IP_HEADER = "x-app-client-ip";

export function clientIp(request: Request): string | null {
  return request.headers.get(CLIENT_IP_HEADER);
}
