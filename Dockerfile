# syntax=docker/dockerfile:1
# Production image: real PostgreSQL (DATABASE_URL), GCS and an identity
# provider come from configuration; see README.md for every variable.

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
# Dev dependencies build the Prisma client and the web client; pruned below.
# Scripts run in the build stage, once the sources are there.
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM deps AS build
COPY . .
RUN npm run generate && npm run web:build && npm run typecheck && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
# --no-warnings: Node's warnings reach the log as JSON lines (server/main.ts), not as text.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 NODE_OPTIONS=--no-warnings
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 4000
# Every role answers /healthz on PORT (a worker serves only /healthz and /metrics).
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node_modules/.bin/tsx", "server/main.ts"]
