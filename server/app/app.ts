// buildApp(config) → { start, stop }: one process of the platform. Serves
// GraphQL over HTTP and graphql-ws on /graphql, health, and runs queue workers,
// depending on config.role.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { type ExecutionArgs, getOperationAST, GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type { OperationResult, Context as WsContext } from 'graphql-ws';
import { WebSocketServer } from 'ws';
import { schema } from '../../schema/index.js';
import type { Context } from '../../schema/builder.js';
import { bearerToken, connectionParamsToken, createAuthenticator, type Authenticator } from '../auth/authenticate.js';
import { resolveServerSecret } from '../auth/secret.js';
import { CredentialCache } from '../auth/credential-cache.js';
import { AuthenticationError } from '../auth/errors.js';
import { createTokenVerifier } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { pool, requireDatabase } from '../db/client.js';
import { createAppPubSub } from '../events/pubsub.js';
import { embeddedHostCheck, observeRequests, requestId } from '../http/access.js';
import { useInputLimits } from '../http/graphql-input.js';
import { useQueryLimits, useValidationRules } from '../http/graphql-limits.js';
import { handleHealth } from '../http/health.js';
import { handleLocalSignIn } from '../http/local-sign-in.js';
import { handleMetrics } from '../http/metrics.js';
import { createWebHandler } from '../http/web.js';
import { CLOSE_FORBIDDEN, CLOSE_RETRY_LATER, closeWhenCredentialEnds, useSubscriptionsEndWithCredential } from '../http/websocket-credentials.js';
import { CLOSE_TOO_MANY, ConnectionCounter } from '../http/connection-limits.js';
import { handleArtifactUploads } from '../webhooks/artifact-uploads.js';
import { handleGpuCallback } from '../webhooks/gpu-callback.js';
import { sendError } from '../http/respond.js';
import { JobQueue, startBoss } from '../queue/queue.js';
import { jobDefinitions } from '../queue/definitions.js';
import { gpuFromConfig } from '../gpu/from-config.js';
import { countingErrors } from '../gpu/counted.js';
import { addLocalBaseModels } from '../catalog/base-models.js';
import { createLogger, logRepeatsOnce, withLogContext, type Logger } from '../log.js';
import { createObservability, useOperationMetrics } from '../observability/metrics.js';
import { datasetCounts, overdueQueueJobs, trainingJobCounts } from '../observability/counts.js';
import { storageFromConfig } from '../storage/from-config.js';
import { MetricFeedHub } from '../metrics/metric-feed.js';
import { sharedSubscriptionResults } from '../graphql/shared-subscription-results.js';
import type { Services } from '../services/services.js';
import { PROJECT_ROOT } from '../project-root.js';

/** What Yoga is given: the Node request for HTTP, plus connectionParams for WebSocket operations. */
type ServerContext = { req: IncomingMessage; res?: ServerResponse; connectionParams?: Readonly<Record<string, unknown>> };

export interface App {
  services: Services;
  /** Resolves to the base URL (the server listens from buildApp on, on config.port; 0 picks a free port). */
  start(): Promise<string>;
  stop(): Promise<void>;
}

function createYogaServer(services: Services, authenticate: Authenticator, connections: ConnectionCounter): YogaServerInstance<ServerContext, Context> {
  const { config, log } = services;
  // CORS: only PUBLIC_URL's origin and CORS_ORIGINS, and never with credentials (the API uses bearer
  // tokens, not cookies). Any other origin gets no CORS headers, so its pages cannot read answers.
  const corsOrigins = new Set([new URL(services.publicUrl).origin, ...config.corsOrigins]);
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    cors: (request) => {
      const origin = request.headers.get('origin');
      if (!origin || !corsOrigins.has(origin)) return false;
      return { origin, credentials: false, exposedHeaders: ['x-request-id'], maxAge: 600 };
    },
    // GraphiQL bundled from npm, so it loads without a CDN; its module is loaded at its first page view, so a
    // process that never serves it (GRAPHIQL off, workers) does not hold it in memory.
    renderGraphiQL: async (options) => (await import('../http/graphiql.js')).renderGraphiQLPage(options, { signInLocally: !config.auth.jwks }),
    graphiql: config.graphiql
      ? {
          title: 'BrightRun GraphQL',
          // Server-sent events carry the Authorization header; graphql-ws would need it in connection_init.
          subscriptionsProtocol: 'SSE',
          defaultQuery: '{\n  me {\n    id\n    email\n  }\n}\n',
        }
      : false,
    // Never the original error (stack, file paths, database messages) in an answer: the log has it.
    maskedErrors: { isDev: false },
    logging: {
      debug: (...args) => log.debug(String(args[0]), { args: args.slice(1) }),
      info: (...args) => log.info(String(args[0]), { args: args.slice(1) }),
      warn: (...args) => log.warn(String(args[0]), { args: args.slice(1) }),
      error: (...args) => log.error(String(args[0]), { args: args.slice(1) }),
    },
    plugins: [
      // Depth and aliases at validation; cost where the variables are known (HTTP, SSE and graphql-ws alike).
      useInputLimits({ ...config.inputLimits, hideSuggestions: config.env === 'production' }),
      useQueryLimits(config.queryLimits),
      useValidationRules(config.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
      // Browsers send a form post or a GET without a preflight: such a request must carry a header
      // no simple request can (an Authorization header is one).
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'authorization'] }),
      useOperationMetrics(services.observability),
      useSubscriptionsEndWithCredential(services.pubsub, connections),
      services.subscriptionResults.plugin,
    ],
    context: async ({ request, req, connectionParams }): Promise<Context> => {
      const token = connectionParams ? connectionParamsToken(connectionParams) : bearerToken(request.headers.get('authorization'));
      return { viewer: await authenticate(token), services, requestId: requestId(req) };
    },
  });
}

/** graphql-ws on the same path, executing through Yoga's envelop so auth and context are shared. */
function attachWebSockets(
  server: http.Server,
  yoga: YogaServerInstance<ServerContext, Context>,
  authenticate: Authenticator,
  services: Services,
  hostAllowed: ((req: IncomingMessage) => boolean) | null,
  connections: ConnectionCounter,
) {
  const { pubsub, log, config } = services;
  const shared = services.subscriptionResults.graphqlWs;
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, ...(hostAllowed ? { verifyClient: ({ req }: { req: IncomingMessage }) => hostAllowed(req) } : {}) });
  // Before graphql-ws sees the socket: its sends then carry shared results' text made once.
  wss.on('connection', (socket, request) => shared.wrapSocket(socket, request));
  const connected = new Set<WsContext<Record<string, unknown>, Extra>>();
  /** Per connection: stops watching for its credential's end. */
  const credentialEnds = new Map<WsContext<Record<string, unknown>, Extra>, () => void>();
  /** Per connection: the subscriptions running on it, for the per-socket limit. */
  const subscriptionsOn = new Map<WsContext<Record<string, unknown>, Extra>, Set<string>>();
  /** Per connection: the user whose place it holds (ConnectionCounter). */
  const holders = new Map<WsContext<Record<string, unknown>, Extra>, string>();
  // Each operation logs under its connection's request id (the upgrade request's).
  // onSubscribe below puts Yoga's enveloped execute and subscribe in rootValue, beside the operation's context.
  const run = (args: ExecutionArgs, operation: 'execute' | 'subscribe') => {
    const { contextValue, rootValue } = args as ExecutionArgs & { contextValue: Context; rootValue: Record<typeof operation, (args: ExecutionArgs) => OperationResult> };
    return withLogContext({ requestId: contextValue.requestId }, () => rootValue[operation](args));
  };
  const disposable = useServer(
    {
      execute: (args) => run(args, 'execute'),
      subscribe: (args) => run(args, 'subscribe'),
      onNext: shared.onNext,
      jsonMessageReplacer: shared.jsonMessageReplacer,
      onConnect: async (ctx) => {
        try {
          // Every socket needs a valid credential in connection_init; without one graphql-ws closes it (4403).
          const viewer = await authenticate(connectionParamsToken(ctx.connectionParams));
          if (viewer === null) return false;
          if (!connections.take(viewer.id)) {
            ctx.extra.socket.close(CLOSE_TOO_MANY, `Too many open connections: at most ${connections.maxPerUser} per user`);
            return false;
          }
          holders.set(ctx, viewer.id);
          connected.add(ctx);
          credentialEnds.set(ctx, closeWhenCredentialEnds(viewer, ctx.extra.socket, pubsub));
          return true;
        } catch (err) {
          log.debug('websocket authentication failed', { err, requestId: requestId(ctx.extra.request) });
          if (err instanceof AuthenticationError && err.retryable) ctx.extra.socket.close(CLOSE_RETRY_LATER, err.message);
          return false;
        }
      },
      onComplete: (ctx, id) => void subscriptionsOn.get(ctx)?.delete(id),
      onError: (ctx, id) => void subscriptionsOn.get(ctx)?.delete(id),
      onClose: (ctx) => {
        subscriptionsOn.delete(ctx);
        const holder = holders.get(ctx);
        if (holder !== undefined) connections.release(holder);
        holders.delete(ctx);
        connected.delete(ctx);
        credentialEnds.get(ctx)?.();
        credentialEnds.delete(ctx);
      },
      onSubscribe: async (ctx, id, payload) => {
        const {
          schema: envSchema,
          execute,
          subscribe,
          contextFactory,
          parse,
          validate,
        } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          connectionParams: ctx.connectionParams,
        });
        const document = parse(payload.query);
        if (getOperationAST(document, payload.operationName)?.operation === 'subscription') {
          // Checked and taken before the first await: subscriptions sent at once are each counted, in order.
          const carried = subscriptionsOn.get(ctx) ?? new Set<string>();
          subscriptionsOn.set(ctx, carried);
          if (carried.size >= config.connectionLimits.subscriptionsPerSocket) {
            const message = `Too many subscriptions on one connection: at most ${config.connectionLimits.subscriptionsPerSocket}. Stop one first.`;
            return [new GraphQLError(message, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })];
          }
          carried.add(id);
        }
        let contextValue: Context;
        try {
          contextValue = await contextFactory();
        } catch (err) {
          // The credential stopped working since connection_init (a revoked key, say): as at connect, 4403.
          if (!(err instanceof AuthenticationError)) throw err;
          ctx.extra.socket.close(err.retryable ? CLOSE_RETRY_LATER : CLOSE_FORBIDDEN, err.message);
          return [new GraphQLError(err.message, { extensions: { code: 'UNAUTHENTICATED', reason: err.reason } })];
        }
        const args = {
          schema: envSchema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue,
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        shared.pushTo(contextValue, ctx.extra.socket, id, () => id in ctx.subscriptions);
        return args;
      },
    },
    wss,
  );
  return {
    wss,
    dispose: () => disposable.dispose(),
    /** Open connections, and the subscriptions streaming on them, for /metrics. */
    stats() {
      let subscriptions = 0;
      for (const ctx of connected) subscriptions += Object.values(ctx.subscriptions).filter(Boolean).length;
      return { connections: connected.size, subscriptions };
    },
  };
}

export async function buildApp(config: Config, options: { databaseUrl: string; log?: Logger }): Promise<App> {
  // The process connects its one database (server/db/client.ts); an app only checks it is the one it was given.
  requireDatabase(options.databaseUrl);
  const log = options.log ?? createLogger(config.logLevel);
  // Listen first: with PORT=0 the public URL (signed storage URLs, GPU callbacks) depends on the port we get.
  let handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => sendError(res, 503, 'STARTING', 'The server is starting');
  const server = http.createServer((req, res) => void handle(req, res));
  let publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  // A worker listens too, for /healthz and /metrics only; its public URL is the API's, never its own.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  if (config.role !== 'worker') publicUrl = config.publicUrl ?? `http://localhost:${(server.address() as AddressInfo).port}`;

  addLocalBaseModels(config.localBaseModels);
  const secret = resolveServerSecret(config);
  // Errors repeated on every retry while the database or identity provider is down: once per interval, with a count.
  const repeats = logRepeatsOnce(log);
  const pubsub = createAppPubSub(pool, options.databaseUrl, (err) => repeats.warn('pubsub connection problem', { err }));
  await pubsub.ready;
  const boss = await startBoss(options.databaseUrl, config.database.queueSchema, log, { migrate: config.database.migrateAtStart });
  const jobs = new JobQueue(boss, log);
  await jobs.createQueues(jobDefinitions);
  const storage = await storageFromConfig(config, secret, publicUrl);
  let ws: ReturnType<typeof attachWebSockets> | null = null;
  const observability = createObservability({
    queues: () => jobs.stats(),
    websockets: () => ws?.stats() ?? { connections: 0, subscriptions: 0 },
    overdueQueueJobs: () => overdueQueueJobs(config.database.queueSchema),
    trainingJobs: trainingJobCounts,
    datasets: datasetCounts,
  });
  pubsub.onReconnect(() => observability.pubsubReconnects.inc());
  const services: Services = {
    config,
    secret,
    log,
    pubsub,
    jobs,
    storage,
    gpu: countingErrors(gpuFromConfig(config, log), observability.providerErrors),
    publicUrl,
    metricFeeds: new MetricFeedHub(pubsub, observability.metricPushDelay),
    observability,
    subscriptionResults: sharedSubscriptionResults((context) => (context as Context).viewer?.id ?? ''),
  };
  // The handlers (and what only they use: the validator, artifact packing, delivery) load only where workers run.
  if (config.role !== 'api') await jobs.work((await import('../workers/registry.js')).jobWorkers, services);

  // Every request carries its credential: one checked a moment ago is taken on trust until something ends it.
  const credentials = new CredentialCache(pubsub);
  const authenticate = createAuthenticator(
    createTokenVerifier({ secret, jwks: config.auth.jwks, clockToleranceSeconds: config.auth.clockToleranceSeconds, log: repeats, refusals: observability.tokenRefusals }),
    credentials,
  );
  const connections = new ConnectionCounter(config.connectionLimits.perUser);
  const yoga = createYogaServer(services, authenticate, connections);
  // The React client, built by `npm run web:build` (npm install runs it).
  // Signed uploads go from the browser straight to the bucket: with GCS the page must be allowed to reach it.
  const serveWeb = createWebHandler(path.join(PROJECT_ROOT, 'web', 'dist'), {
    connectTo: config.storage.driver === 'gcs' ? ['https://storage.googleapis.com'] : [],
  });
  // Embedded mode hands out the local user's token: only requests addressed to this server's own names.
  const hostAllowed = config.auth.jwks ? null : embeddedHostCheck(config, publicUrl, (server.address() as AddressInfo).port);
  handle = observeRequests(services, async (req, res, path, route) => {
    try {
      if (hostAllowed && route !== 'health' && !hostAllowed(req)) {
        return sendError(res, 403, 'FORBIDDEN_HOST', 'This embedded server answers only at localhost, 127.0.0.1, [::1] or PUBLIC_URL');
      }
      if (config.role === 'worker' && route !== 'health' && route !== 'metrics') {
        return sendError(res, 404, 'NOT_FOUND', 'This process is a worker: it serves /healthz and /metrics only');
      }
      switch (route) {
        case 'health':
          return await handleHealth(services, res);
        case 'metrics':
          return await handleMetrics(services, req, res);
        case 'auth':
          if (path === '/auth/local' && req.method === 'GET') return await handleLocalSignIn(services, res);
          break;
        case 'graphql':
          return await yoga.requestListener(req, res);
        case 'webhook': {
          const [, provider, uploads] = /^\/webhooks\/gpu\/([a-z0-9-]+)(\/uploads)?$/.exec(path) ?? [];
          if (provider && uploads) return await handleArtifactUploads(services, req, res, provider);
          if (provider) return await handleGpuCallback(services, req, res, provider);
          break;
        }
        case 'storage':
          if (storage.handleHttp && (await storage.handleHttp(req, res))) return;
          break;
        case 'web':
          if (await serveWeb(req, res)) return;
          break;
      }
      sendError(res, 404, 'NOT_FOUND', `Nothing at ${path}`);
    } catch (err) {
      log.error('request failed', { err, path });
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'Internal server error');
      else res.destroy();
    }
  });
  ws = config.role === 'worker' ? null : attachWebSockets(server, yoga, authenticate, services, hostAllowed, connections);

  let stopping: Promise<void> | null = null;
  return {
    services,
    async start() {
      return config.role === 'worker' ? '' : publicUrl;
    },
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (ws) {
          for (const client of ws.wss.clients) client.close(1001, 'Server shutting down');
          await ws.dispose();
        }
        await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000))]);
        server.closeAllConnections();
        await jobs.stop();
        await services.gpu.close?.();
        credentials.close();
        await pubsub.close();
        repeats.flush();
      })();
      return stopping;
    },
  };
}
