// `npm start` / `npm run worker`: boots the platform on embedded defaults
// (PostgreSQL from npm, migrations, local storage, simulated GPU) or on
// whatever the configuration names, and shuts it all down cleanly on a signal.
import path from 'node:path';
import { buildApp, type App } from './app.js';
import { localUserToken } from './auth/local-user.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded-postgres.js';
import { migrate, MigrationError } from './db/migrate.js';
import { startSimulatedProvider, type SimulatedProvider } from './gpu/simulated/service.js';
import { TrainerNotInstalledError } from './gpu/local/provider.js';
import { LocalModelError } from './catalog/base-models.js';
import { createLogger } from './log.js';
import { acquireLock, AlreadyRunningError } from './process-lock.js';

const expected = [ConfigError, EmbeddedPostgresError, MigrationError, AlreadyRunningError, TrainerNotInstalledError, LocalModelError];
/** Signals this close together are one Ctrl-C seen twice. */
const DUPLICATE_SIGNAL_MS = 2000;

function fail(err: unknown): never {
  const { code, port } = err as { code?: string; port?: number };
  if (code === 'EADDRINUSE') console.error(`\nPort ${port} is already in use. Stop what uses it, or choose another port (PORT for the server, SIMULATED_GPU_PORT for the simulated GPU provider).\n`);
  else if (expected.some((type) => err instanceof type)) console.error(`\n${(err as Error).message}\n`);
  else console.error(err);
  process.exit(1);
}

async function banner(config: Config, url: string): Promise<void> {
  const lines = [``, `BrightRun LoRA Pipeline is running (${config.role})`, `  GraphQL + GraphiQL  ${url}/graphql`, `  Health             ${url}/healthz`];
  if (!config.auth.jwks) {
    const token = await localUserToken(config, config.auth.localUserEmail);
    lines.push(``, `Signed in as ${config.auth.localUserEmail}. Send this header (GraphiQL: Headers tab):`, `  {"Authorization": "Bearer ${token}"}`);
  }
  lines.push(``, `Press Ctrl-C to stop.`, ``);
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  let config = (() => {
    try {
      return loadConfig();
    } catch (err) {
      return fail(err);
    }
  })();
  const log = createLogger(config.logLevel);
  let embedded: EmbeddedPostgres | null = null;
  let app: App | null = null;
  let simulated: SimulatedProvider | null = null;
  let releaseLock = () => {};

  /** When the first signal came: a second one forces the exit, unless it is the same Ctrl-C relayed again. */
  let shutdownAt: number | null = null;
  const shutdown = async (signal: string) => {
    if (shutdownAt !== null) {
      // Ctrl-C reaches npm, tsx and this process at once, and tsx relays its copy: that one is not a second press.
      if (Date.now() - shutdownAt < DUPLICATE_SIGNAL_MS) return;
      console.error('Forced exit.');
      process.exit(1);
    }
    shutdownAt = Date.now();
    log.info('shutting down', { signal });
    try {
      await app?.stop();
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
    await migrate(databaseUrl, { log: (m) => log.info(m) });
    if (config.gpu.provider === 'simulated' && !config.gpu.simulated.url) {
      if (config.role !== 'all') throw new ConfigError(['SIMULATED_GPU_URL: required with ROLE=api or ROLE=worker (run `npm run gpu:simulated` once for all processes)']);
      simulated = await startSimulatedProvider({
        port: config.gpu.simulated.port,
        speedFactor: config.gpu.simulated.speedFactor,
        log: (msg, extra) => log.debug(msg, { component: 'simulated-gpu', ...extra }),
      });
      config = { ...config, gpu: { ...config.gpu, simulated: { ...config.gpu.simulated, url: simulated.url } } };
    }
    app = await buildApp(config, { databaseUrl, log });
    const url = await app.start();
    if (config.role === 'worker') log.info('worker started');
    else await banner(config, url);
  } catch (err) {
    await app?.stop().catch(() => {});
    await simulated?.close().catch(() => {});
    await embedded?.stop().catch(() => {});
    releaseLock();
    fail(err);
  }
}

void main();
