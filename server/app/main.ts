// `npm start` / `npm run worker`: boots the platform on embedded defaults
// (PostgreSQL from npm, migrations, local storage, simulated GPU) or on
// whatever the configuration names, and shuts it all down cleanly on a signal.
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { buildApp, type App } from './app.js';
import { localUserToken } from '../auth/local-user.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { connectDatabase, disconnectDatabase } from '../db/client.js';
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded-postgres.js';
import { MigrationError } from '../db/migrate.js';
import { prepareDatabase } from '../db/prepare.js';
import type { SimulatedProvider } from '../gpu/simulated/service.js';
import { TrainerNotInstalledError } from '../gpu/local/provider.js';
import { LocalModelError } from '../catalog/base-models.js';
import { createLogger, type Logger } from '../log.js';
import { acquireLock, AlreadyRunningError } from '../process-lock.js';

const expected = [ConfigError, EmbeddedPostgresError, MigrationError, AlreadyRunningError, TrainerNotInstalledError, LocalModelError];
/** Signals this close together are one Ctrl-C seen twice. */
const DUPLICATE_SIGNAL_MS = 2000;

/** Production writes nothing but JSON lines: the banner, failures and Node's own warnings go through the logger. */
let jsonOnly: Logger | null = null;

function fail(err: unknown): never {
  const { code, port } = err as { code?: string; port?: number };
  const message =
    code === 'EADDRINUSE'
      ? `Port ${port} is already in use. Stop what uses it, or choose another port (PORT for the server, SIMULATED_GPU_PORT for the simulated GPU provider).`
      : expected.some((type) => err instanceof type)
        ? (err as Error).message
        : null;
  if (jsonOnly) jsonOnly.error('could not start', message ? { reason: message } : { err });
  else console.error(message ? `\n${message}\n` : err);
  process.exit(1);
}

async function banner(config: Config, url: string, log: Logger): Promise<void> {
  if (jsonOnly) {
    log.info('server started', { role: config.role, graphql: `${url}/graphql`, graphiql: config.graphiql, health: `${url}/healthz` });
    return;
  }
  const lines = [
    ``,
    `BrightRun LoRA Pipeline is running (${config.role})`,
    `  Web client  ${url}/`,
    `  GraphQL     ${url}/graphql${config.graphiql ? ' (GraphiQL in a browser)' : ''}`,
    `  Health      ${url}/healthz`,
  ];
  if (!config.auth.jwks) {
    const token = await localUserToken(config, config.auth.localUserEmail);
    lines.push(``, `Signed in as ${config.auth.localUserEmail}. Send this header${config.graphiql ? ' (GraphiQL: Headers tab)' : ''}:`, `  {"Authorization": "Bearer ${token}"}`);
  }
  lines.push(``, `Press Ctrl-C to stop.`, ``);
  console.log(lines.join('\n'));
}

/**
 * One full collection once the process serves. Start-up (the schema, migrations, the queues) leaves garbage and
 * a young generation grown to V8's maximum while building long-lived objects; at idle V8 would keep both, about
 * 25 MB of the process. A collection run by hand lets it shrink. Node exposes `gc` only with --expose-gc; the flag
 * applies to contexts made afterwards, so it is set here and `gc` taken from a new context (as Jest does).
 */
function collectStartupGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

async function main(): Promise<void> {
  let config = (() => {
    try {
      return loadConfig();
    } catch (err) {
      if (err instanceof ConfigError && err.production) jsonOnly = createLogger('error');
      return fail(err);
    }
  })();
  const log = createLogger(config.logLevel);
  if (config.env === 'production') {
    jsonOnly = log;
    // Node prints warnings as text unless started with --no-warnings (the image does); as JSON they stay parseable.
    process.on('warning', (warning) => log.warn('node warning', { name: warning.name, message: warning.message }));
    process.on('uncaughtException', (err) => {
      log.error('uncaught exception', { err });
      process.exit(1);
    });
  }
  let embedded: EmbeddedPostgres | null = null;
  let app: App | null = null;
  let simulated: SimulatedProvider | null = null;
  let releaseLock = () => {};

  /** When the first signal came: a second one forces the exit, unless it is the same Ctrl-C relayed again. */
  let shutdownAt: number | null = null;
  const shutdown = async (signal: string) => {
    if (shutdownAt !== null) {
      // Ctrl-C reaches npm and this process at once, and npm relays its copy: that one is not a second press.
      if (Date.now() - shutdownAt < DUPLICATE_SIGNAL_MS) return;
      console.error('Forced exit.');
      process.exit(1);
    }
    shutdownAt = Date.now();
    log.info('shutting down', { signal });
    try {
      await app?.stop();
      await disconnectDatabase();
      await simulated?.close();
      await embedded?.stop();
    } finally {
      releaseLock();
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      releaseLock = acquireLock(config.dataDir);
      embedded = await startEmbeddedPostgres({
        dataDir: path.join(config.dataDir, 'postgres'),
        port: config.database.embeddedPort,
        log: (m) => log.info(m),
      });
      databaseUrl = embedded.url;
    }
    if (config.database.migrateAtStart) await prepareDatabase(databaseUrl, config.database.queueSchema, log);
    if (config.gpu.provider === 'simulated' && !config.gpu.simulated.url) {
      if (config.role !== 'all') throw new ConfigError(['SIMULATED_GPU_URL: required with ROLE=api or ROLE=worker (run `npm run gpu:simulated` once for all processes)']);
      // In process only for this case (ROLE=all with no SIMULATED_GPU_URL): other processes never load it.
      const { startSimulatedProvider } = await import('../gpu/simulated/service.js');
      simulated = await startSimulatedProvider({
        port: config.gpu.simulated.port,
        speedFactor: config.gpu.simulated.speedFactor,
        log: (msg, extra) => log.debug(msg, { component: 'simulated-gpu', ...extra }),
      });
      config = { ...config, gpu: { ...config.gpu, simulated: { ...config.gpu.simulated, url: simulated.url } } };
    }
    connectDatabase(databaseUrl, config.database.poolSize);
    app = await buildApp(config, { databaseUrl, log });
    const url = await app.start();
    if (config.role === 'worker') log.info('worker started');
    else await banner(config, url, log);
    collectStartupGarbage();
  } catch (err) {
    await app?.stop().catch(() => {});
    await disconnectDatabase().catch(() => {});
    await simulated?.close().catch(() => {});
    await embedded?.stop().catch(() => {});
    releaseLock();
    fail(err);
  }
}

void main();
