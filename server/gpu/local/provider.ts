// The GpuProvider for real training on this machine: the worker runs the trainer (trainer/, Python) as a
// child process per job, one job per device (each CUDA GPU, or the CPU), the rest queued in submission order.
// The trainer posts its events to the callback URL like any provider's; it also keeps status.json and
// points.jsonl in the job's folder, which status() reads: the safety net for lost callbacks, and how a
// restarted worker re-attaches to a trainer that is still running, or fails a job whose trainer is gone.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  isTerminalState,
  MAX_STATUS_POINTS,
  parseProviderEvent,
  ProviderRejectedError,
  trainerInput,
  type GpuProvider,
  type ProviderJobState,
  type ProviderStatus,
} from '../provider.js';
import type { LocalTrainerSettings } from '../../config.js';
import { DeviceLocks, detectDevices } from './devices.js';
import { JobFolder, PointsReader, type LocalJobMeta } from './job-folder.js';

export type LocalProviderOptions = LocalTrainerSettings & {
  /** Folder for job folders and device locks (DATA_DIR/trainer). */
  root: string;
  /** False in an API-only process: it takes callbacks but never starts a trainer, so it needs no Python. */
  runsJobs: boolean;
  log?: (msg: string, extra?: object) => void;
};

const MAX_READERS = 32;
/** The server's environment variables a trainer inherits: the shell's basics and the network's (proxies, CAs, a hub mirror). */
const PASSED_ENV = [
  'PATH',
  'HOME',
  'TMPDIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'REQUESTS_CA_BUNDLE',
  'SSL_CERT_FILE',
  'HF_ENDPOINT',
];
/** A job claimed for starting that has no process after this long was abandoned by the process starting it. */
const START_TIMEOUT_MS = 60_000;

/** The Python environment is missing: the server cannot train locally. */
export class TrainerNotInstalledError extends Error {
  override name = 'TrainerNotInstalledError';
}

export function createLocalProvider(options: LocalProviderOptions): GpuProvider {
  if (options.runsJobs && !fs.existsSync(options.python)) {
    throw new TrainerNotInstalledError(`GPU_PROVIDER=local runs the trainer with ${options.python}, which does not exist. Run \`npm run trainer:setup\` (or set TRAINER_PYTHON).`);
  }
  const devices = options.devices === 'auto' ? detectDevices() : options.devices === 'cpu' ? ['cpu'] : options.devices;
  const log = options.log ?? (() => {});
  const locks = new DeviceLocks(options.root);
  const graceMs = options.cancelGraceSeconds * 1000;
  fs.mkdirSync(path.join(options.root, 'jobs'), { recursive: true });
  /** One empty file per queued job, named <submittedAt>_<externalId>: the queue in order, without reading every job folder. */
  const queueDir = path.join(options.root, 'queue');
  fs.mkdirSync(queueDir, { recursive: true });
  /** Points readers of the jobs asked about lately (each keeps its job's points in memory). */
  const readers = new Map<string, PointsReader>();
  const killTimers = new Set<NodeJS.Timeout>();
  /** Trainers this process started and has not yet seen exit: until it does, an exited one is a zombie, not lost. */
  const children = new Map<string, number>();
  const running = (pid: number, externalId: string) => children.get(externalId) === pid || isAlive(pid, externalId);
  const folder = (externalId: string) => {
    try {
      return new JobFolder(options.root, externalId);
    } catch {
      throw new ProviderRejectedError(`No local job ${externalId}`, 404);
    }
  };

  const childEnv = (device: string): NodeJS.ProcessEnv => ({
    // Only what Python, its network and Hugging Face need: never the server's own secrets or database URL.
    ...Object.fromEntries(PASSED_ENV.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]])),
    LANG: process.env.LANG ?? 'C.UTF-8',
    PYTHONUNBUFFERED: '1',
    TOKENIZERS_PARALLELISM: 'false',
    CUDA_VISIBLE_DEVICES: device === 'cpu' ? '' : device,
    ...(options.modelCache ? { HF_HOME: options.modelCache } : {}),
    ...(options.hfToken ? { HF_TOKEN: options.hfToken } : {}),
  });

  /** Starts the trainer of a queued job on a device it already holds. */
  const start = (job: JobFolder, device: string): void => {
    const logFd = fs.openSync(job.logPath, 'a', 0o600);
    const args = ['-m', 'brightrun_trainer.local', '--spec', job.specPath, '--status-dir', job.dir, '--external-id', job.externalId];
    // Its own process group: a Ctrl-C meant for the server does not reach it, and cancel signals the whole group.
    const child = spawn(options.python, args, { cwd: options.trainerDir, detached: true, stdio: ['ignore', logFd, logFd], env: childEnv(device) });
    fs.closeSync(logFd);
    child.on('error', (err) => {
      log('trainer failed to start', { externalId: job.externalId, err: err.message });
      job.updateMeta(() => ({
        ended: { state: 'FAILED', error: { code: 'TRAINER_NOT_STARTED', message: `The trainer could not be started: ${err.message}` }, at: new Date().toISOString() },
      }));
      locks.release(device, job.externalId);
    });
    child.on('exit', (code, signal) => {
      job.updateMeta(() => ({ exit: { code, signal } }));
      children.delete(job.externalId);
      locks.release(device, job.externalId);
      log('trainer exited', { externalId: job.externalId, code, signal });
      startQueued();
    });
    child.unref();
    if (child.pid) {
      children.set(job.externalId, child.pid);
      job.updateMeta(() => ({ device, pid: child.pid, startedAt: new Date().toISOString() }));
    }
    log('trainer started', { externalId: job.externalId, device, pid: child.pid });
  };

  /** Starts queued jobs, oldest first, on free devices (and frees devices whose job has ended). */
  const startQueued = (): void => {
    for (const marker of fs.readdirSync(queueDir).sort()) {
      const job = queuedJob(marker);
      const meta = job?.readMeta();
      if (!job || !meta || meta.pid !== undefined || meta.ended !== undefined) {
        fs.rmSync(path.join(queueDir, marker), { force: true });
        continue;
      }
      const device = devices.find((d) => freeDevice(d) && locks.claim(d, job.externalId));
      if (!device) return;
      // Exactly one process starts a job, even when two hold different devices for it at once.
      if (!job.claimStart()) {
        locks.release(device, job.externalId);
        continue;
      }
      fs.rmSync(path.join(queueDir, marker), { force: true });
      start(job, device);
    }
  };

  /** The job a queue marker (<submittedAt>_<externalId>) names; null for a stray file. */
  const queuedJob = (marker: string): JobFolder | null => {
    try {
      return new JobFolder(options.root, marker.slice(marker.indexOf('_') + 1));
    } catch {
      return null;
    }
  };

  /**
   * A device is free when no lock holds it, or its holder has ended (its lock is then released). A holder that
   * was asked to stop and outlived the grace period is killed here too, so a trainer stuck in native code cannot
   * block the queue after the worker that cancelled it restarted.
   */
  const freeDevice = (device: string): boolean => {
    const holder = locks.holder(device);
    if (holder === null) return true;
    let job: JobFolder;
    try {
      job = new JobFolder(options.root, holder);
    } catch {
      return false;
    }
    const meta = job.readMeta();
    if (meta?.pid !== undefined && meta.cancelRequestedAt && Date.now() - Date.parse(meta.cancelRequestedAt) >= graceMs && running(meta.pid, holder)) {
      kill(job, meta.pid, 'SIGKILL');
    }
    // Claimed but never started: the process starting it died in between.
    if (meta && meta.pid === undefined && !meta.ended && job.startClaimedMsAgo() > START_TIMEOUT_MS) {
      end(job, 'FAILED', { code: 'TRAINER_NOT_STARTED', message: 'The worker starting the trainer stopped before it ran.' });
    }
    const ended =
      !meta ||
      meta.ended !== undefined ||
      (meta.pid !== undefined && !running(meta.pid, holder)) ||
      isTerminalState(job.readTrainerStatus()?.state ?? 'RUNNING') ||
      job.readMeta()?.ended !== undefined;
    if (ended) locks.release(device, holder);
    return ended && locks.holder(device) === null;
  };

  /** Ends a job the trainer cannot report on, once. */
  const end = (job: JobFolder, state: 'CANCELLED' | 'FAILED', error: { code: string; message: string } | null): LocalJobMeta | null =>
    job.updateMeta((meta) => (meta.ended ? {} : { ended: { state, error, at: new Date().toISOString() } }));

  /** Why a started trainer is gone without a result. */
  const lostError = (job: JobFolder, meta: LocalJobMeta) => {
    const tail = job.logTail();
    const how = meta.exit
      ? meta.exit.signal
        ? `was killed by ${meta.exit.signal}`
        : `exited with code ${meta.exit.code}`
      : 'is gone (the worker that started it may have restarted)';
    return {
      code: meta.exit ? 'TRAINER_EXITED' : 'TRAINER_LOST',
      message: `The trainer process (pid ${meta.pid}) ${how} without reporting a result.${tail ? ` Its last output:\n${tail}` : ''}`,
    };
  };

  const points = (job: JobFolder, afterStep: number) => {
    const reader = readers.get(job.externalId) ?? new PointsReader(path.join(job.dir, 'points.jsonl'));
    readers.delete(job.externalId);
    readers.set(job.externalId, reader); // most recent last
    if (readers.size > MAX_READERS) readers.delete(readers.keys().next().value!);
    return reader.after(afterStep, MAX_STATUS_POINTS);
  };

  const status = (externalId: string, afterStep: number): ProviderStatus => {
    const job = folder(externalId);
    if (!job.exists()) throw new ProviderRejectedError(`No local job ${externalId}`, 404);
    startQueued();
    let meta = job.readMeta()!;
    const trainer = job.readTrainerStatus();
    if (meta.pid !== undefined && !meta.ended && !isTerminalState(trainer?.state ?? 'RUNNING') && !running(meta.pid, externalId)) {
      meta = (meta.cancelRequestedAt ? end(job, 'CANCELLED', null) : end(job, 'FAILED', lostError(job, meta))) ?? meta;
      if (meta.device) locks.release(meta.device, externalId);
    }
    const base: ProviderStatus = {
      externalId,
      state: 'QUEUED',
      stage: 'PROVISIONING',
      step: 0,
      totalSteps: 0,
      epoch: 0,
      totalEpochs: 0,
      points: points(job, afterStep),
      artifacts: [],
      error: null,
      startedAt: meta.startedAt ?? null,
      finishedAt: null,
    };
    const reported = trainer ? { ...base, ...trainer, startedAt: trainer.startedAt ?? base.startedAt } : base;
    // The trainer's own word wins once it has ended; otherwise how the provider ended it.
    if (trainer && isTerminalState(trainer.state)) return reported;
    if (meta.ended) return { ...reported, state: meta.ended.state, error: meta.ended.error, artifacts: [], finishedAt: meta.ended.at };
    if (meta.pid === undefined) return base;
    return trainer ? reported : { ...base, state: 'INITIALIZING', stage: 'LOADING_MODEL' };
  };

  const kill = (job: JobFolder, pid: number, signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal); // the trainer's whole process group
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') log('could not signal the trainer', { externalId: job.externalId, signal, err: String(err) });
    }
  };

  return {
    name: 'local',
    hourlyRateUsd: options.hourlyRateUsd,
    quantization: devices[0] !== 'cpu',
    maxGpusPerJob: 1,

    async submit(req) {
      const input = trainerInput(req);
      const externalId = `local-${randomUUID()}`;
      const job = new JobFolder(options.root, externalId);
      const submittedAt = new Date().toISOString();
      job.create(input, { externalId, jobId: req.jobId, submittedAt });
      fs.writeFileSync(path.join(queueDir, `${submittedAt}_${externalId}`), '');
      log('local job queued', { externalId, jobId: req.jobId });
      startQueued();
      return { externalId };
    },

    async status(externalId, afterStep) {
      return status(externalId, afterStep);
    },

    async cancel(externalId) {
      const job = folder(externalId);
      const meta = job.readMeta();
      if (!meta) throw new ProviderRejectedError(`No local job ${externalId}`, 404);
      const current = status(externalId, Number.MAX_SAFE_INTEGER);
      if (isTerminalState(current.state)) return { state: current.state };
      if (meta.pid === undefined) {
        end(job, 'CANCELLED', null);
        return { state: 'CANCELLED' as ProviderJobState };
      }
      const pid = meta.pid;
      if (!meta.cancelRequestedAt) {
        // Asked to stop after the current optimizer step; killed if it has not within the grace period.
        job.updateMeta(() => ({ cancelRequestedAt: new Date().toISOString() }));
        kill(job, pid, 'SIGTERM');
        const timer = setTimeout(() => {
          killTimers.delete(timer);
          if (running(pid, externalId)) kill(job, pid, 'SIGKILL');
        }, graceMs);
        timer.unref();
        killTimers.add(timer);
        return { state: current.state };
      }
      if (Date.now() - Date.parse(meta.cancelRequestedAt) >= graceMs) {
        kill(job, pid, 'SIGKILL');
        end(job, 'CANCELLED', null);
        if (meta.device) locks.release(meta.device, externalId);
        return { state: 'CANCELLED' as ProviderJobState };
      }
      return { state: current.state };
    },

    parseCallback: parseProviderEvent,

    async openArtifact(artifact) {
      // The trainer uploads its files to our storage (trainer-uploads.ts); anything else was never made.
      throw new ProviderRejectedError(`The trainer did not upload ${artifact.name}`, 404);
    },

    async close() {
      for (const timer of killTimers) clearTimeout(timer);
      killTimers.clear();
    },
  };
}

/** Whether the process runs, and (where /proc exists) is this job's trainer, not a later process given the same pid. */
function isAlive(pid: number, externalId: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(externalId);
  } catch {
    return process.platform !== 'linux';
  }
}
