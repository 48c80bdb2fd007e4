import { index, route, type RouteConfig } from "@react-router/dev/routes";
export default [index("routes/home.tsx"), route("directus/*", "routes/directus.tsx")] satisfies RouteConfig;
