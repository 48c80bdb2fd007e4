// The project's tags on its own specs (which the kit does not need).

/**
 * The specs `npm run test:cluster` runs through the cluster's proxy: the flows that cross app and
 * Directus instances (signing in and out, renewal, steps and links finished on another instance,
 * other sessions ended). The rest test the app itself, the same on one instance or two.
 */
export const CLUSTER = { tag: "@cluster" };

/** The specs about a session's lifetime (lifetime.spec.ts): on a stack whose sessions last seconds. */
export const LIFETIME = { tag: "@lifetime" };
