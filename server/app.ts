// buildApp(config) → { start, stop }: one process of the platform. Serves
// GraphQL over HTTP and graphql-ws on /graphql, health, and runs queue workers,
// depending on config.role.
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { schema } from '../schema/index.js';
import type { Context } from '../schema/builder.js';
import { bearerToken, connectionParamsToken, createAuthenticator, type Authenticator } from './auth/authenticate.js';
import { localUserToken } from './auth/local-user.js';
import { resolveServerSecret } from './auth/secret.js';
import { createTokenVerifier } from './auth/tokens.js';
import type { Config } from './config.js';
import { connectDatabase, disconnectDatabase, pool } from './db/client.js';
import { createAppPubSub } from './events/pubsub.js';
import { handleHealth } from './http/health.js';
import { handleLocalSignIn } from './http/local-sign-in.js';
import { createWebHandler } from './http/web.js';
import { handleGpuCallback } from './webhooks/gpu-callback.js';
import { sendError } from './http/respond.js';
import { JobQueue, startBoss } from './jobs/queue.js';
import { jobKinds } from './jobs/registry.js';
import { gpuFromConfig } from './gpu/from-config.js';
import { createLogger, type Logger } from './log.js';
import { storageFromConfig } from './storage/from-config.js';
import { MetricFeedHub } from './training/metric-feed.js';
import type { Services } from './services.js';

/** What Yoga is given: the Node request for HTTP, plus connectionParams for WebSocket operations. */
type ServerContext = { req: IncomingMessage; res?: ServerResponse; connectionParams?: Readonly<Record<string, unknown>> };

export interface App {
  services: Services;
  /** Resolves to the base URL (the server listens from buildApp on, on config.port; 0 picks a free port). */
  start(): Promise<string>;
  stop(): Promise<void>;
}

function createYogaServer(services: Services, authenticate: Authenticator): YogaServerInstance<ServerContext, Context> {
  const { config, log } = services;
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // GraphiQL bundled from npm, so it loads without a CDN.
    renderGraphiQL,
    graphiql: config.graphiql
      ? async () => ({
          title: 'BrightRun GraphQL',
          subscriptionsProtocol: 'WS',
          defaultQuery: '{\n  me {\n    id\n    email\n  }\n}\n',
          // Embedded mode: signed in as the local user, as /auth/local does for the web client.
          headers: config.auth.jwks ? undefined : JSON.stringify({ Authorization: `Bearer ${await localUserToken(config, config.auth.localUserEmail)}` }, null, 2),
        })
      : false,
    maskedErrors: { isDev: config.env !== 'production' },
    logging: {
      debug: (...args) => log.debug(String(args[0]), { args: args.slice(1) }),
      info: (...args) => log.info(String(args[0]), { args: args.slice(1) }),
      warn: (...args) => log.warn(String(args[0]), { args: args.slice(1) }),
      error: (...args) => log.error(String(args[0]), { args: args.slice(1) }),
    },
    plugins: config.introspection ? [] : [useDisableIntrospection()],
    context: async ({ request, connectionParams }): Promise<Context> => {
      const token = connectionParams ? connectionParamsToken(connectionParams) : bearerToken(request.headers.get('authorization'));
      return { viewer: await authenticate(token), services, requestId: request?.headers.get('x-request-id') ?? randomUUID() };
    },
  });
}

/** graphql-ws on the same path, executing through Yoga's envelop so auth and context are shared. */
function attachWebSockets(server: http.Server, yoga: YogaServerInstance<ServerContext, Context>, authenticate: Authenticator, log: Logger) {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const disposable = useServer(
    {
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => args.rootValue.subscribe(args),
      onConnect: async (ctx) => {
        try {
          const viewer = await authenticate(connectionParamsToken(ctx.connectionParams));
          return viewer !== null || ctx.connectionParams?.allowAnonymous === true ? true : false;
        } catch (err) {
          log.debug('websocket authentication failed', { err });
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const { schema: envSchema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          connectionParams: ctx.connectionParams,
        });
        const args = {
          schema: envSchema,
          operationName: payload.operationName,
          document: parse(payload.query),
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        return args;
      },
    },
    wss,
  );
  return { wss, dispose: () => disposable.dispose() };
}

export async function buildApp(config: Config, options: { databaseUrl: string; log?: Logger }): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  // Listen first: with PORT=0 the public URL (signed storage URLs, GPU callbacks) depends on the port we get.
  let handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) =>
    sendError(res, 503, 'STARTING', 'The server is starting');
  const server = http.createServer((req, res) => void handle(req, res));
  let publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  if (config.role !== 'worker') {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    publicUrl = config.publicUrl ?? `http://localhost:${(server.address() as AddressInfo).port}`;
  }

  connectDatabase(options.databaseUrl, config.database.poolSize);
  const secret = resolveServerSecret(config);
  const pubsub = createAppPubSub(pool, options.databaseUrl, (err) => log.warn('pubsub connection problem', { err }));
  await pubsub.ready;
  const boss = await startBoss(options.databaseUrl, log);
  const jobs = new JobQueue(boss, log);
  await jobs.createQueues(jobKinds);
  const storage = storageFromConfig(config, secret, publicUrl);
  const services: Services = { config, secret, log, pubsub, jobs, storage, gpu: gpuFromConfig(config), publicUrl, metricFeeds: new MetricFeedHub(pubsub) };
  if (config.role !== 'api') await jobs.work(jobKinds, services);

  const authenticate = createAuthenticator(createTokenVerifier({ secret, jwks: config.auth.jwks, clockToleranceSeconds: config.auth.clockToleranceSeconds }));
  const yoga = createYogaServer(services, authenticate);
  // The React client, built by `npm run web:build` (npm install runs it).
  const serveWeb = createWebHandler(fileURLToPath(new URL('../web/dist', import.meta.url)));
  handle = async (req, res) => {
    try {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/healthz') return await handleHealth(services, res);
      if (path === '/auth/local' && req.method === 'GET') return await handleLocalSignIn(services, res);
      if (path.startsWith('/graphql')) return await yoga.requestListener(req, res);
      const webhook = /^\/webhooks\/gpu\/([a-z0-9-]+)$/.exec(path);
      if (webhook) return await handleGpuCallback(services, req, res, webhook[1]!);
      if (storage.handleHttp && (await storage.handleHttp(req, res))) return;
      if (await serveWeb(req, res)) return;
      sendError(res, 404, 'NOT_FOUND', `Nothing at ${path}`);
    } catch (err) {
      log.error('request failed', { err, url: req.url });
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'Internal server error');
      else res.destroy();
    }
  };
  const ws = config.role === 'worker' ? null : attachWebSockets(server, yoga, authenticate, log);

  let stopping: Promise<void> | null = null;
  return {
    services,
    async start() {
      return config.role === 'worker' ? '' : publicUrl;
    },
    stop() {
      stopping ??= (async () => {
        const closed = config.role === 'worker' ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (ws) {
          for (const client of ws.wss.clients) client.close(1001, 'Server shutting down');
          await ws.dispose();
        }
        await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000))]);
        server.closeAllConnections();
        await jobs.stop();
        await pubsub.close();
        await disconnectDatabase();
      })();
      return stopping;
    },
  };
}
