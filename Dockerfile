# syntax=docker/dockerfile:1

# The customer subgraph: compiled in a build stage, run from a slim image with
# production dependencies only, as the unprivileged `node` user.

FROM node:20-bookworm-slim AS base
WORKDIR /app
# better-sqlite3 is a native module: these build it from source when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./

FROM base AS build
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Compiles the service and bundles the Explorer (GraphiQL) into dist/graphiql.
RUN npm run build

FROM base AS production-deps
RUN npm ci --omit=dev && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=4001
WORKDIR /app
# Code and dependencies stay owned by root: the service user can read them, not change them.
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
# The embedded SQLite default writes ./data; with DATABASE_URL set (as in docker compose) it stays empty.
RUN mkdir data && chown node:node data
USER node
EXPOSE 4001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4001) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
