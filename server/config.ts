// The only reader of process.env: validates every variable at start and names
// every bad one at once. Everything else receives a Config.
import path from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from './project-root.js';

const usd = z.string().regex(/^\d+(\.\d{1,6})?$/, 'must be a USD amount such as 0.02');

const MB = 1024 * 1024;
const GB = 1024 * MB;

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(0).max(65535);
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
/** Web origins such as `https://app.example.com`: scheme, host and port only. */
const origins = list
  .superRefine((items, ctx) => {
    for (const item of items) {
      let origin: string | null = null;
      try {
        origin = new URL(item).origin;
      } catch {}
      if (origin === null || origin === 'null' || origin !== item.replace(/\/$/, ''))
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(item)} is not an origin such as https://app.example.com` });
    }
  })
  .transform((items) => items.map((item) => new URL(item).origin));

/** Every variable the server understands, with its default and meaning (README renders this table). */
export const variables = {
  NODE_ENV: { schema: z.enum(['development', 'production', 'test']).default('development'), help: '`production` masks errors and requires real secrets' },
  ROLE: {
    schema: z.enum(['all', 'api', 'worker']).default('all'),
    help: '`api` serves HTTP only, `worker` runs queues (and answers only `/healthz` and `/metrics` on `PORT`), `all` both',
  },
  HOST: { schema: z.string().default('127.0.0.1'), help: 'interface the HTTP server binds' },
  PORT: { schema: port.default(4000), help: 'HTTP port for GraphQL, webhooks, storage and the web client' },
  PUBLIC_URL: {
    schema: z.url().optional(),
    help: 'URL clients and the GPU provider reach this server at (default `http://localhost:$PORT`; required in production, on workers too)',
  },
  DATA_DIR: { schema: z.string().default('.data'), help: 'where embedded PostgreSQL, local storage and generated secrets live' },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    help: 'PostgreSQL to use; unset starts the embedded one',
  },
  EMBEDDED_PG_PORT: { schema: port.default(54329), help: 'port of the embedded PostgreSQL' },
  QUEUE_SCHEMA: {
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL identifier')
      .default('pgboss'),
    help: 'PostgreSQL schema of the pg-boss queues; processes that share work share it',
  },
  MIGRATE_AT_START: {
    schema: bool.default(true),
    help: 'apply database migrations and create the queues when a process starts; `false` where the runtime database role has no DDL rights (run `npm run db:migrate` as the owner role first)',
  },
  ALLOW_EMBEDDED_SERVICES: {
    schema: bool.default(false),
    help: 'in production, allow what `npm start` runs by itself: the embedded PostgreSQL (no `DATABASE_URL`), files on local disk (`STORAGE_DRIVER=local`) and the simulated GPU provider; refused otherwise',
  },
  DATABASE_POOL_SIZE: { schema: z.coerce.number().int().min(1).max(200).default(10), help: 'connections per process' },
  SERVER_SECRET: {
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
    help: 'signs local tokens, callback tokens and storage URLs; generated under DATA_DIR when unset (required in production)',
  },
  AUTH_JWKS_URL: { schema: z.url().optional(), help: "identity provider's JWKS; when set, user tokens are verified against it" },
  AUTH_ISSUER: { schema: z.string().optional(), help: 'required `iss` of identity-provider tokens' },
  AUTH_AUDIENCE: { schema: z.string().optional(), help: 'required `aud` of identity-provider tokens' },
  AUTH_ALGORITHMS: { schema: list.default(['RS256', 'ES256', 'EdDSA']), help: 'allowed JWT algorithms for identity-provider tokens' },
  AUTH_CLOCK_TOLERANCE_SECONDS: { schema: z.coerce.number().int().min(0).max(300).default(30), help: 'clock skew allowed on `exp`/`nbf`' },
  CORS_ORIGINS: {
    schema: origins.default([]),
    help: "web origins besides `PUBLIC_URL`'s that may call `/graphql` from a browser (CORS), comma-separated, such as `https://app.example.com`; no credentials are allowed cross-origin, and any other origin gets no CORS headers",
  },
  LOCAL_USER_EMAIL: { schema: z.email().default('local@brightrun.dev'), help: 'the user `npm start` signs in (embedded auth only)' },
  GRAPHIQL: { schema: bool.optional(), help: 'serve GraphiQL at /graphql (default: on unless production)' },
  INTROSPECTION: { schema: bool.optional(), help: 'allow schema introspection (default: on unless production)' },
  MAX_QUERY_DEPTH: {
    schema: z.coerce.number().int().min(2).max(100).default(10),
    help: 'deepest nesting of fields in one GraphQL operation (`{ me { id } }` is 2); deeper ones are refused with `QUERY_TOO_DEEP`',
  },
  MAX_QUERY_ALIASES: {
    schema: z.coerce.number().int().min(0).max(1000).default(30),
    help: 'aliased fields allowed in one GraphQL document; more are refused with `TOO_MANY_ALIASES`',
  },
  MAX_QUERY_COST: {
    schema: z.coerce.number().int().min(1).default(200_000),
    help: 'most values one GraphQL operation may return, each field counted once per item of the lists above it (sizes from `first`/`last`/`maxPoints`, 100 when unstated); costlier ones are refused with `QUERY_TOO_COSTLY`',
  },
  MAX_QUERY_TOKENS: {
    schema: z.coerce.number().int().min(100).max(1_000_000).default(5000),
    help: 'most lexical tokens one GraphQL document may have; longer ones are refused while parsing',
  },
  MAX_QUERY_NESTING: {
    schema: z.coerce.number().int().min(4).max(1000).default(64),
    help: 'most nested brackets in a GraphQL document, checked before it is parsed (a deeper one is refused with `QUERY_TOO_DEEP`)',
  },
  MAX_CONNECTIONS_PER_USER: {
    schema: z.coerce.number().int().min(1).max(1_000_000).default(50),
    help: 'open graphql-ws sockets and Server-Sent Event streams one user may hold on one server process; more are closed with 4429 (WebSocket) or refused with `TOO_MANY_CONNECTIONS` (SSE)',
  },
  MAX_SUBSCRIPTIONS_PER_CONNECTION: {
    schema: z.coerce.number().int().min(1).max(100_000).default(100),
    help: 'subscriptions one graphql-ws socket may carry at once; more are refused with `TOO_MANY_SUBSCRIPTIONS`',
  },
  METRICS_TOKEN: {
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    help: 'when set, `/metrics` (Prometheus) requires `Authorization: Bearer <token>`; unset, `/metrics` is open, except in production where it is off',
  },
  STORAGE_DRIVER: { schema: z.enum(['local', 'gcs']).default('local'), help: '`local` files under DATA_DIR, or `gcs`' },
  DATASETS_BUCKET: { schema: z.string().default('lora-datasets'), help: 'bucket for dataset files' },
  MODELS_BUCKET: { schema: z.string().default('lora-models'), help: 'bucket for adapter files' },
  MAX_DATASET_BYTES: {
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(5 * GB)
      .default(500 * MB),
    help: 'largest dataset upload (up to 5 GB)',
  },
  MAX_DATASETS_PER_USER: {
    schema: z.coerce.number().int().min(1).max(1_000_000).default(1000),
    help: 'datasets one user may keep (deleted ones do not count); one more is refused with `QuotaExceededError` (quota `DATASETS`)',
  },
  MAX_DATASET_STORAGE_PER_USER: {
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .default(50 * GB),
    help: 'bytes of dataset files one user may keep, uploads in progress included; a dataset past it is refused with `QuotaExceededError` (quota `DATASET_BYTES`)',
  },
  MAX_CONCURRENT_UPLOADS_PER_USER: {
    schema: z.coerce.number().int().min(1).max(10_000).default(10),
    help: 'datasets one user may have UPLOADING (created, not yet confirmed) at once; one more is refused with `QuotaExceededError` (quota `CONCURRENT_UPLOADS`)',
  },
  DATASET_UPLOAD_EXPIRY_SECONDS: {
    schema: z.coerce
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .default(86_400),
    help: 'a dataset whose upload is not confirmed this long after it was created is deleted, and its file removed',
  },
  DATASET_DELETE_GRACE_SECONDS: {
    schema: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(600),
    help: "a deleted dataset's file is removed this long after the deletion (a validation or download still reading it can finish)",
  },
  MAX_MODEL_FILE_BYTES: {
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(5 * GB)
      .default(5 * GB),
    help: 'largest adapter file',
  },
  GCS_PROJECT_ID: { schema: z.string().optional(), help: 'Google Cloud project (gcs driver)' },
  GCS_KEY_FILE: { schema: z.string().optional(), help: 'service-account key file (gcs driver; default: application credentials)' },
  GPU_PROVIDER: {
    schema: z.enum(['simulated', 'runpod', 'local']).default('simulated'),
    help: 'where training runs: `simulated` (synthetic curves and weights, for demos and tests), `local` (real training by `trainer/` on this machine) or `runpod` (real training on RunPod serverless)',
  },
  SIMULATED_GPU_URL: { schema: z.url().optional(), help: 'an already running simulated provider (`npm run gpu:simulated`); unset, `npm start` runs one itself' },
  SIMULATED_GPU_PORT: { schema: port.default(0), help: 'port of the simulated provider `npm start` runs (0: any free port, so a second server with another `PORT` starts too)' },
  SIMULATED_GPU_SPEED: {
    schema: z.coerce.number().positive().max(100000).default(5),
    help: 'how much faster than real time the simulation runs (5: a small demo run takes about a minute)',
  },
  RUNPOD_API_KEY: { schema: z.string().optional(), help: 'RunPod API key (runpod provider)' },
  RUNPOD_ENDPOINT_ID: { schema: z.string().optional(), help: 'RunPod serverless endpoint id (runpod provider)' },
  RUNPOD_BASE_URL: { schema: z.url().default('https://api.runpod.ai/v2'), help: 'RunPod API base URL' },
  TRAINER_PYTHON: {
    schema: z.string().default('trainer/.venv/bin/python'),
    help: 'Python that runs the trainer (local provider), relative to the repository; `npm run trainer:setup` makes the default',
  },
  TRAINER_DEVICES: {
    schema: z
      .string()
      .regex(/^(auto|cpu|\d+(,\d+)*)$/, 'must be auto, cpu or CUDA device numbers such as 0,1')
      .default('auto'),
    help: 'where local training runs, one job per device at a time: `auto` (every CUDA GPU `nvidia-smi` lists, else the CPU), `cpu`, or CUDA device numbers such as `0,1`',
  },
  TRAINER_CANCEL_GRACE_SECONDS: { schema: z.coerce.number().int().min(1).max(3600).default(30), help: 'a cancelled local trainer gets SIGTERM, then SIGKILL after this long' },
  TRAINER_MODEL_CACHE: {
    schema: z.string().optional(),
    help: "where the local trainer caches downloaded base models (its `HF_HOME`; default Hugging Face's own, `~/.cache/huggingface`)",
  },
  HF_TOKEN: { schema: z.string().optional(), help: 'Hugging Face token the local trainer uses for gated base models (Llama, Gemma)' },
  LOCAL_GPU_HOURLY_USD: { schema: usd.default('0'), help: 'what an hour of local training costs per device, USD (recorded as compute cost like any provider)' },
  LOCAL_BASE_MODELS: {
    schema: list.default([]),
    help: 'model folders (config.json, weights, tokenizer) added to the base-model catalog as `local/<folder name>`, comma-separated; the trainer loads the same path, so with `runpod` the folder must exist there too (baked into the image)',
  },
  POLL_INTERVAL_SECONDS: {
    schema: z.coerce.number().min(0.2).max(300).default(2),
    help: 'how often each active job is polled at its provider (the safety net for lost callbacks)',
  },
  HEARTBEAT_TIMEOUT_SECONDS: { schema: z.coerce.number().int().min(5).max(86400).default(300), help: 'a job with no progress for this long is re-polled, then failed' },
  STORAGE_PRICE_USD_PER_GB_MONTH: { schema: usd.default('0.02'), help: 'storage cost accrued daily for stored dataset files and model artifacts, USD per GiB-month' },
  WEBHOOK_ALLOW_PRIVATE_URLS: {
    schema: bool.default(false),
    help: 'let outgoing webhook endpoints point at loopback, private and link-local addresses (refused by default, so the server cannot be used to reach internal hosts); plain http is refused in production either way',
  },
  WEBHOOK_TIMEOUT_SECONDS: { schema: z.coerce.number().min(0.1).max(60).default(15), help: 'how long one outgoing webhook attempt waits for an answer before it counts as failed' },
  WEBHOOK_RETRY_SCHEDULE_SECONDS: {
    schema: list
      .pipe(
        z
          .array(
            z
              .string()
              .regex(/^\d+(\.\d+)?$/, 'must be seconds such as 30,120,600')
              .transform(Number)
              .pipe(z.number().max(7 * 86_400)),
          )
          .max(30),
      )
      .default([30, 120, 600, 1800, 3600, 10800, 21600, 43200]),
    help: 'waits between the attempts of an outgoing webhook delivery, comma-separated (the default retries 8 times over about 22 hours)',
  },
  WEBHOOK_DISABLE_AFTER_FAILURES: {
    schema: z.coerce.number().int().min(1).max(100_000).default(20),
    help: 'an endpoint whose last this many attempts all failed, over at least `WEBHOOK_DISABLE_AFTER_SECONDS`, is disabled and its owner told',
  },
  WEBHOOK_DISABLE_AFTER_SECONDS: {
    schema: z.coerce
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(5 * 86_400),
    help: 'how long an endpoint must have failed without a success before it is disabled',
  },
  WEBHOOK_RETENTION_DAYS: {
    schema: z.coerce.number().int().min(1).max(3650).default(30),
    help: 'outgoing webhook events, with their deliveries and attempts, are kept this long (the window in which they can be redelivered), then deleted; one still being delivered is kept until it ends',
  },
  WEBHOOK_SECRET_OVERLAP_SECONDS: {
    schema: z.coerce
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(86_400),
    help: "after an endpoint's secret is rotated, the old one signs deliveries too for this long",
  },
  LOG_LEVEL: { schema: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'), help: 'log verbosity' },
} as const;

type Vars = { [K in keyof typeof variables]: z.output<(typeof variables)[K]['schema']> };

/** Where files live: what both drivers share, and each driver's own settings, present only with it. */
export type StorageSettings = {
  buckets: { datasets: string; models: string };
  maxUploadBytes: { datasets: number; models: number };
} & StorageDriverSettings;
export type StorageDriverSettings = { driver: 'local'; localRoot: string } | { driver: 'gcs'; gcs: { projectId: string | undefined; keyFilename: string | undefined } };

/** The simulated provider; url null: `npm start` runs one and fills it in. */
export type SimulatedGpuSettings = { url: string | null; port: number; speedFactor: number };
/** RunPod serverless: both credentials are required with this provider. */
export type RunpodSettings = { apiKey: string; endpointId: string; baseUrl: string };
export type LocalTrainerSettings = {
  python: string;
  /** The trainer's folder: the child runs there, so `brightrun_trainer` imports without installing. */
  trainerDir: string;
  /** 'auto': the CUDA GPUs found at start, else the CPU. */
  devices: 'auto' | 'cpu' | string[];
  cancelGraceSeconds: number;
  /** HF_HOME for the trainer; null: Hugging Face's default. */
  modelCache: string | null;
  hfToken: string | null;
  hourlyRateUsd: string;
};

/** Where training runs: the polling every provider shares, and the chosen provider's own settings, present only with it. */
export type GpuSettings = { pollIntervalSeconds: number; heartbeatTimeoutSeconds: number } & GpuProviderSettings;
export type GpuProviderSettings =
  | { provider: 'simulated'; simulated: SimulatedGpuSettings }
  | { provider: 'runpod'; runpod: RunpodSettings }
  | { provider: 'local'; local: LocalTrainerSettings };

export interface Config {
  env: 'development' | 'production' | 'test';
  role: 'all' | 'api' | 'worker';
  host: string;
  port: number;
  /** null: derived from the port the server actually listens on. */
  publicUrl: string | null;
  dataDir: string;
  database: { url: string | null; embeddedPort: number; poolSize: number; queueSchema: string; migrateAtStart: boolean };
  /** null: generate one under dataDir (never in production). */
  serverSecret: string | null;
  auth: {
    jwks: { url: string; issuer: string | undefined; audience: string | undefined; algorithms: string[] } | null;
    clockToleranceSeconds: number;
    localUserEmail: string;
  };
  /** Browser origins, besides PUBLIC_URL's, whose pages may read /graphql's answers (CORS). */
  corsOrigins: string[];
  graphiql: boolean;
  introspection: boolean;
  /** Refuses abusive GraphQL documents before they run. */
  queryLimits: { maxDepth: number; maxAliases: number; maxCost: number };
  /** Live connections per user (per process) and subscriptions per socket. */
  connectionLimits: { perUser: number; subscriptionsPerSocket: number };
  /** Bounds checked while (and before) a document is parsed. */
  inputLimits: { maxTokens: number; maxNesting: number };
  /** /metrics: served when enabled, behind the bearer token when there is one. */
  metrics: { enabled: boolean; token: string | null };
  storage: StorageSettings;
  datasets: {
    /** Per-user limits (datasets/quotas.ts). */
    quotas: { datasets: number; bytes: number; concurrentUploads: number };
    uploadExpirySeconds: number;
    deleteGraceSeconds: number;
  };
  gpu: GpuSettings;
  /** Model folders added to the base-model catalog. */
  localBaseModels: string[];
  costs: {
    /** Exact decimal string, USD per GiB stored for a calendar month. */
    storagePriceUsdPerGbMonth: string;
  };
  /** Outgoing webhooks (server/outbound-webhooks). */
  outboundWebhooks: {
    allowPrivateUrls: boolean;
    requireHttps: boolean;
    timeoutMs: number;
    /** Seconds to wait before each retry; its length is the number of retries. */
    retryScheduleSeconds: number[];
    disableAfterFailures: number;
    disableAfterSeconds: number;
    secretOverlapSeconds: number;
    retentionDays: number;
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

/** Estimated randomness a production SERVER_SECRET needs (32 random hex characters score 90 to 125; `abcd` repeated, 12). */
const MIN_SECRET_BITS = 80;

/**
 * A rough estimate of a secret's randomness: the Shannon entropy of its characters, times how many of them are
 * new (a character whose three-character run was seen before adds nothing). `aaaa…` and `abcdabcd…` score low,
 * random hex about 4 bits a character.
 */
export function entropyBits(secret: string): number {
  const counts = new Map<string, number>();
  for (const c of secret) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / secret.length) * Math.log2(n / secret.length);
  const runs = new Set<string>();
  for (let i = 0; i + 3 <= secret.length; i++) runs.add(secret.slice(i, i + 3));
  return perChar * Math.min(secret.length, runs.size + 2);
}

/** https, or http to this machine only. */
function secureUrl(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
}

const RUNPOD_NEEDS_KEYS = 'RUNPOD_API_KEY and RUNPOD_ENDPOINT_ID: required with GPU_PROVIDER=runpod';

/** The chosen provider's own settings, from variables loadConfig has checked. */
function gpuProvider(v: Vars): GpuProviderSettings {
  switch (v.GPU_PROVIDER) {
    case 'simulated':
      return { provider: 'simulated', simulated: { url: v.SIMULATED_GPU_URL ?? null, port: v.SIMULATED_GPU_PORT, speedFactor: v.SIMULATED_GPU_SPEED } };
    case 'runpod': {
      const { RUNPOD_API_KEY: apiKey, RUNPOD_ENDPOINT_ID: endpointId } = v;
      // Never true (loadConfig has already refused runpod without both); the test narrows them to strings.
      if (!apiKey || !endpointId) throw new ConfigError([RUNPOD_NEEDS_KEYS]);
      return { provider: 'runpod', runpod: { apiKey, endpointId, baseUrl: v.RUNPOD_BASE_URL } };
    }
    case 'local':
      return {
        provider: 'local',
        local: {
          python: path.resolve(PROJECT_ROOT, v.TRAINER_PYTHON),
          trainerDir: path.join(PROJECT_ROOT, 'trainer'),
          devices: v.TRAINER_DEVICES === 'auto' || v.TRAINER_DEVICES === 'cpu' ? v.TRAINER_DEVICES : v.TRAINER_DEVICES.split(','),
          cancelGraceSeconds: v.TRAINER_CANCEL_GRACE_SECONDS,
          modelCache: v.TRAINER_MODEL_CACHE ? path.resolve(v.TRAINER_MODEL_CACHE) : null,
          hfToken: v.HF_TOKEN ?? null,
          hourlyRateUsd: v.LOCAL_GPU_HOURLY_USD,
        },
      };
  }
}

/** The chosen storage driver's own settings. */
function storageDriver(v: Vars, dataDir: string): StorageDriverSettings {
  return v.STORAGE_DRIVER === 'local'
    ? { driver: 'local', localRoot: path.join(dataDir, 'storage') }
    : { driver: 'gcs', gcs: { projectId: v.GCS_PROJECT_ID, keyFilename: v.GCS_KEY_FILE } };
}

export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    /** NODE_ENV=production: the failure is logged as JSON, as everything else there. */
    readonly production = false,
  ) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws ConfigError listing every problem at once, cross-field ones included. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  const failed = new Set<string>();
  const vars = {} as Record<string, unknown>;
  for (const [name, { schema }] of Object.entries(variables)) {
    const raw = env[name] === '' ? undefined : env[name];
    const parsed = (schema as z.ZodType).safeParse(raw);
    if (parsed.success) vars[name] = parsed.data;
    else {
      failed.add(name);
      problems.push(`${name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
  }
  const v = vars as Vars;
  /** A rule across variables, skipped where one of them is already reported as bad. */
  const check = (names: (keyof Vars)[], broken: boolean, problem: string) => {
    if (broken && !names.some((n) => failed.has(n))) problems.push(problem);
  };
  const production = v.NODE_ENV === 'production';
  const embeddedOk = !production || v.ALLOW_EMBEDDED_SERVICES;

  check(['NODE_ENV', 'SERVER_SECRET'], production && !v.SERVER_SECRET, 'SERVER_SECRET: required in production');
  check(
    ['NODE_ENV', 'SERVER_SECRET'],
    production && !!v.SERVER_SECRET && entropyBits(v.SERVER_SECRET) < MIN_SECRET_BITS,
    `SERVER_SECRET: too predictable for production (about ${Math.round(entropyBits(v.SERVER_SECRET ?? ''))} bits; use random bytes, such as \`openssl rand -hex 32\`)`,
  );
  check(['NODE_ENV', 'AUTH_JWKS_URL'], production && !v.AUTH_JWKS_URL, 'AUTH_JWKS_URL: required in production (embedded tokens are for local use)');
  check(['NODE_ENV', 'PUBLIC_URL'], production && !v.PUBLIC_URL, 'PUBLIC_URL: required in production (GPU callbacks and signed storage URLs are built on it)');
  for (const name of ['PUBLIC_URL', 'AUTH_JWKS_URL'] as const) {
    check(['NODE_ENV', name], production && !!v[name] && !secureUrl(v[name]!), `${name}: must be https in production (plain http only to localhost)`);
  }
  check(['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'], !!v.AUTH_JWKS_URL && (!v.AUTH_ISSUER || !v.AUTH_AUDIENCE), 'AUTH_ISSUER and AUTH_AUDIENCE: required with AUTH_JWKS_URL');
  check(['GPU_PROVIDER', 'RUNPOD_API_KEY', 'RUNPOD_ENDPOINT_ID'], v.GPU_PROVIDER === 'runpod' && (!v.RUNPOD_API_KEY || !v.RUNPOD_ENDPOINT_ID), RUNPOD_NEEDS_KEYS);
  const embedded = 'in production, or set ALLOW_EMBEDDED_SERVICES=true';
  check(['NODE_ENV', 'ALLOW_EMBEDDED_SERVICES', 'DATABASE_URL'], !embeddedOk && !v.DATABASE_URL, `DATABASE_URL: required ${embedded} to run the embedded PostgreSQL`);
  check(['NODE_ENV', 'ALLOW_EMBEDDED_SERVICES', 'STORAGE_DRIVER'], !embeddedOk && v.STORAGE_DRIVER === 'local', `STORAGE_DRIVER: \`gcs\` ${embedded} to keep files on local disk`);
  check(
    ['NODE_ENV', 'ALLOW_EMBEDDED_SERVICES', 'GPU_PROVIDER'],
    !embeddedOk && v.GPU_PROVIDER === 'simulated',
    `GPU_PROVIDER: \`runpod\` or \`local\` ${embedded} to train on the simulator`,
  );
  if (problems.length > 0) throw new ConfigError(problems, production);

  const dataDir = path.resolve(v.DATA_DIR);
  return {
    env: v.NODE_ENV,
    role: v.ROLE,
    host: v.HOST,
    port: v.PORT,
    publicUrl: v.PUBLIC_URL ? v.PUBLIC_URL.replace(/\/$/, '') : null,
    dataDir,
    database: { url: v.DATABASE_URL ?? null, embeddedPort: v.EMBEDDED_PG_PORT, poolSize: v.DATABASE_POOL_SIZE, queueSchema: v.QUEUE_SCHEMA, migrateAtStart: v.MIGRATE_AT_START },
    serverSecret: v.SERVER_SECRET ?? null,
    auth: {
      jwks: v.AUTH_JWKS_URL ? { url: v.AUTH_JWKS_URL, issuer: v.AUTH_ISSUER, audience: v.AUTH_AUDIENCE, algorithms: v.AUTH_ALGORITHMS } : null,
      clockToleranceSeconds: v.AUTH_CLOCK_TOLERANCE_SECONDS,
      localUserEmail: v.LOCAL_USER_EMAIL,
    },
    corsOrigins: v.CORS_ORIGINS,
    graphiql: v.GRAPHIQL ?? !production,
    introspection: v.INTROSPECTION ?? !production,
    queryLimits: { maxDepth: v.MAX_QUERY_DEPTH, maxAliases: v.MAX_QUERY_ALIASES, maxCost: v.MAX_QUERY_COST },
    inputLimits: { maxTokens: v.MAX_QUERY_TOKENS, maxNesting: v.MAX_QUERY_NESTING },
    connectionLimits: { perUser: v.MAX_CONNECTIONS_PER_USER, subscriptionsPerSocket: v.MAX_SUBSCRIPTIONS_PER_CONNECTION },
    metrics: { enabled: !production || v.METRICS_TOKEN !== undefined, token: v.METRICS_TOKEN ?? null },
    storage: {
      buckets: { datasets: v.DATASETS_BUCKET, models: v.MODELS_BUCKET },
      maxUploadBytes: { datasets: v.MAX_DATASET_BYTES, models: v.MAX_MODEL_FILE_BYTES },
      ...storageDriver(v, dataDir),
    },
    datasets: {
      quotas: { datasets: v.MAX_DATASETS_PER_USER, bytes: v.MAX_DATASET_STORAGE_PER_USER, concurrentUploads: v.MAX_CONCURRENT_UPLOADS_PER_USER },
      uploadExpirySeconds: v.DATASET_UPLOAD_EXPIRY_SECONDS,
      deleteGraceSeconds: v.DATASET_DELETE_GRACE_SECONDS,
    },
    gpu: {
      ...gpuProvider(v),
      pollIntervalSeconds: v.POLL_INTERVAL_SECONDS,
      heartbeatTimeoutSeconds: v.HEARTBEAT_TIMEOUT_SECONDS,
    },
    localBaseModels: v.LOCAL_BASE_MODELS.map((dir) => path.resolve(dir)),
    costs: { storagePriceUsdPerGbMonth: v.STORAGE_PRICE_USD_PER_GB_MONTH },
    outboundWebhooks: {
      allowPrivateUrls: v.WEBHOOK_ALLOW_PRIVATE_URLS,
      requireHttps: production,
      timeoutMs: Math.round(v.WEBHOOK_TIMEOUT_SECONDS * 1000),
      retryScheduleSeconds: v.WEBHOOK_RETRY_SCHEDULE_SECONDS,
      disableAfterFailures: v.WEBHOOK_DISABLE_AFTER_FAILURES,
      disableAfterSeconds: v.WEBHOOK_DISABLE_AFTER_SECONDS,
      secretOverlapSeconds: v.WEBHOOK_SECRET_OVERLAP_SECONDS,
      retentionDays: v.WEBHOOK_RETENTION_DAYS,
    },
    logLevel: v.LOG_LEVEL,
  };
}
