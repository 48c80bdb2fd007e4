# The app only: point it at a Directus with DIRECTUS_URL (the embedded one is for local use and tests).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
# The embedded Directus is not part of the image.
ENV SKIP_DIRECTUS_INSTALL=1
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/build ./build
COPY server.mjs ./
USER node
EXPOSE 3000
# SESSION_SECRET and DIRECTUS_URL come from the environment at run time.
CMD ["npm", "start"]
