# syntax=docker/dockerfile:1.7
# One image per Warden service: `docker build --build-arg APP=gateway -t warden-gateway .` (APP is one of
# gateway, auth, authz, crypto, audit, scheduler). Target `tools` holds every app (for migrations) and the
# development Discord stand-in. Node 20 on Debian slim; production dependencies and built output only.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run-many -t build --projects=tag:type:app \
 && npx esbuild tools/discord-stand-in.ts --bundle --platform=node --target=node20 --tsconfig=tsconfig.base.json --outfile=dist/tools/discord-stand-in.js

FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# Shared by the service and tools images: a numeric non-root user, nothing writable but /tmp.
FROM ${NODE_IMAGE} AS runtime-base
# The flags of SERVICE_NODE_FLAGS (libs/config), which `npm start` and the tests use too.
ENV NODE_ENV=production NODE_OPTIONS="--enable-source-maps --max-semi-space-size=32"
WORKDIR /app
COPY --from=production-dependencies --chown=0:0 /app/node_modules ./node_modules
COPY --chown=0:0 package.json ./
USER 10001:10001
# The services handle SIGTERM themselves (drain, then exit 0); node runs as PID 1 with its own handlers.
STOPSIGNAL SIGTERM

FROM runtime-base AS tools
COPY --from=build --chown=0:0 /src/dist/apps ./dist/apps
COPY --from=build --chown=0:0 /src/dist/tools ./dist/tools
# Applies every service's migrations (each under its own advisory lock), then exits.
CMD ["sh", "-c", "for app in auth authz crypto audit scheduler; do node dist/apps/$app/main.js migrate || exit 1; done"]

FROM runtime-base AS service
ARG APP
ENV WARDEN_APP=${APP}
COPY --from=build --chown=0:0 /src/dist/apps/${APP} ./dist
# Gateway: 3000 (HTTP API, /healthz, /readyz, /metrics). Services: their HEALTH_PORT (3101–3105).
EXPOSE 3000 3101 3102 3103 3104 3105
ENTRYPOINT ["node", "dist/main.js"]
