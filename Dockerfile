# The app alone, no embedded Directus: point it at one with DIRECTUS_URL and give it SESSION_SECRET
# (compose.yaml runs two of these behind HAProxy). The same image provisions a Directus:
#   docker run --rm -e DIRECTUS_URL=… -e DIRECTUS_ADMIN_TOKEN=… <image> npm run directus:provision
# The Node the project pins (.nvmrc, the `node` devDependency); tests/unit/deploy.test.ts checks it.
ARG NODE_VERSION=22.23.3

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# The embedded Directus is for local use and tests; its install script does nothing with this.
ENV SKIP_DIRECTUS_INSTALL=1
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
COPY . .
# Build-time (React Router's allowedActionOrigins): only needed when a proxy rewrites Host.
ARG ALLOWED_ACTION_ORIGINS
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000 NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
# Production dependencies only; no install scripts (the only one installs the embedded Directus).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/build ./build
COPY server.mjs ./
# For `npm run directus:provision`: the provisioning code and the form limits it shares with the app.
COPY scripts ./scripts
COPY app/lib ./app/lib
# Everything above belongs to root: the app cannot change its own code.
USER node
EXPOSE 3000
# Node's fetch, since the slim image has no curl. /healthz answers 503 while Directus is unreachable.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node itself as PID 1, so SIGTERM reaches server.mjs, which finishes requests in flight.
CMD ["node", "server.mjs"]
