// Nothing for Directus's admin app: a bundle must name an app entry, and Directus imports it only for
// app-side entries (interfaces, displays, …), of which this bundle has none.
export {};
