// Headers for every response a route answers (documents, data, resource routes, redirects). A URL
// no route matches skips middleware: server.mjs covers those 404s.
import type { MiddlewareFunction } from "react-router";
import { securityHeaders } from "./security-headers.server";

// Every page shows the signed-in user in its header, so no response may be kept by a shared cache.
// A route that wants public caching has to change this rule on purpose.
export const PRIVATE_CACHE_CONTROL = "private, no-store";

// Fixed at build time like the document's CSP (entry.server.tsx), so both agree on HSTS.
const baseline = Object.entries(securityHeaders({ production: !import.meta.env.DEV }));

export const responseHeadersMiddleware: MiddlewareFunction<Response> = async (_args, next) => {
  const response = await next();
  response.headers.set("Cache-Control", PRIVATE_CACHE_CONTROL);
  // A rendered document already carries its own set, with the nonce CSP; the rest get the strict one.
  for (const [name, value] of baseline) if (!response.headers.has(name)) response.headers.set(name, value);
  return response;
};
