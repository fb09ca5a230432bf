// One simulated training run: walks the stages on a timer, records a point per step, reports by callback.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import {
  isTerminalState,
  MAX_STATUS_POINTS,
  type ProviderArtifact,
  type ProviderJobState,
  type ProviderMetricPoint,
  type ProviderStage,
  type ProviderStatus,
  type SimulatedFaults,
  type SubmitRequest,
} from '../provider.js';
import { writeArtifacts, type ArtifactFile } from './artifacts.js';
import { CallbackSender } from './callbacks.js';
import { MetricModel, planRun, uploadSeconds, type RunPlan } from './plan.js';
import { createRng } from './rng.js';

export interface JobContext {
  speedFactor: number;
  /** Wall time per training step; overrides the one derived from throughput. */
  stepIntervalMs?: number;
  callbackBatchSize: number;
  /** A batch of points waits at most this long (wall time) before it is sent. */
  callbackFlushMs: number;
  artifactsDir: string;
  artifactUrl: (externalId: string, name: string) => string;
  globalFaults: () => SimulatedFaults;
  /** Wall time (ms) until which the whole service is down. */
  globalDownUntil: () => number;
  signal: AbortSignal;
  log: (msg: string, extra?: object) => void;
}

type JobError = { code: string; message: string };

/** Steps run back to back without a timer when they are due this close together. */
const STEPS_BETWEEN_YIELDS = 200;

export class SimulatedJob {
  readonly plan: RunPlan;
  state: ProviderJobState = 'QUEUED';
  stage: ProviderStage | null = null;
  readonly points: ProviderMetricPoint[] = [];
  private files: ArtifactFile[] = [];
  private error: JobError | null = null;
  private startedAt: string | null = null;
  private finishedAt: string | null = null;
  /** Per-job outage from SubmitRequest.faults.downForMs. */
  private readonly downUntil: number;
  /** Set once the job has hung: it then reports nothing more. */
  private silent = false;
  private readonly cancelled = new AbortController();
  private readonly signal: AbortSignal;
  private readonly sender: CallbackSender;
  private unsent: ProviderMetricPoint[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    readonly externalId: string,
    readonly req: SubmitRequest,
    private readonly ctx: JobContext,
  ) {
    this.plan = planRun(req);
    this.downUntil = Date.now() + (req.faults?.downForMs ?? 0);
    this.signal = AbortSignal.any([ctx.signal, this.cancelled.signal]);
    this.signal.addEventListener('abort', () => clearTimeout(this.flushTimer), { once: true });
    this.sender = new CallbackSender(externalId, {
      url: req.callbackUrl,
      token: req.callbackToken,
      faults: () => this.faults(),
      pausedUntil: () => Math.max(this.downUntil, ctx.globalDownUntil()),
      rng: createRng(`${req.jobId}:callbacks`),
      signal: ctx.signal,
      log: (msg, extra) => ctx.log(msg, { externalId, ...extra }),
    });
  }

  /** The job's own faults over the global ones. */
  faults(): SimulatedFaults {
    return { ...this.ctx.globalFaults(), ...this.req.faults };
  }

  /** True while this job's own outage lasts. */
  isDown(): boolean {
    return Date.now() < this.downUntil;
  }

  start(): void {
    this.running = this.run().catch((error: unknown) => {
      if (this.signal.aborted) return;
      this.ctx.log('simulated job crashed', { externalId: this.externalId, error: String(error) });
      this.finish('FAILED', { code: 'PROVIDER_ERROR', message: String(error) });
    });
  }

  /** Settles once the run has stopped, so nothing writes to its artifact folder any more. */
  stopped(): Promise<void> {
    return this.running;
  }

  status(afterStep: number): ProviderStatus {
    const last = this.points.at(-1);
    const from = Math.max(0, Math.floor(afterStep));
    return {
      externalId: this.externalId,
      state: this.state,
      stage: this.stage,
      step: last?.step ?? 0,
      totalSteps: this.plan.totalSteps,
      epoch: last?.epoch ?? 0,
      totalEpochs: this.plan.totalEpochs,
      // points[i] is step i + 1, so the points after a step start at that index.
      points: this.points.slice(from, from + MAX_STATUS_POINTS),
      artifacts: this.artifacts(),
      error: this.error,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
    };
  }

  /** Stops the run at once; a finished job keeps its final state. */
  cancel(): ProviderJobState {
    if (!isTerminalState(this.state)) {
      this.cancelled.abort();
      this.finish('CANCELLED', null);
    }
    return this.state;
  }

  /** The file behind an artifact, once the job has completed. */
  artifactFile(name: string): ArtifactFile | undefined {
    return this.state === 'COMPLETED' ? this.files.find((file) => file.name === name) : undefined;
  }

  private async run(): Promise<void> {
    const { seconds } = this.plan;
    await this.simulate(seconds.queue);
    this.startedAt = new Date().toISOString();
    this.enter('INITIALIZING', 'PROVISIONING');
    await this.simulate(seconds.provisioning);
    this.enter('INITIALIZING', 'LOADING_MODEL');
    await this.simulate(seconds.loadingModel);
    const { failAtStep } = this.faults();
    if (failAtStep !== undefined && failAtStep <= 0) {
      return this.fail(0);
    }
    this.enter('RUNNING', 'TRAINING');
    if (!(await this.train())) return;
    this.enter('RUNNING', 'SAVING');
    const savingStarted = Date.now();
    const dir = join(this.ctx.artifactsDir, this.externalId);
    await mkdir(dir, { recursive: true });
    const files = await writeArtifacts(dir, this.req, this.plan, {
      points: this.points,
      trainSeconds: this.plan.totalSteps * seconds.step + this.evaluations() * seconds.evaluation,
      wallSeconds: (Date.now() - Date.parse(this.startedAt)) / 1000,
    });
    await this.wallUntil(savingStarted + this.wallMs(seconds.saving));
    this.enter('RUNNING', 'UPLOADING_ARTIFACTS');
    await this.simulate(uploadSeconds(files.reduce((sum, file) => sum + file.size, 0)));
    this.files = files;
    this.finish('COMPLETED', null);
  }

  /** Runs the steps; false when the job failed on the way. */
  private async train(): Promise<boolean> {
    const model = new MetricModel(this.plan, this.req.hyperparameters, this.req.jobId);
    const stepMs = this.ctx.stepIntervalMs ?? this.wallMs(this.plan.seconds.step);
    // Steps are due on a fixed schedule, so timer lateness does not add up over a run.
    let due = Date.now();
    for (let step = 1; step <= this.plan.totalSteps; step++) {
      const { failAtStep, hangAfterStep } = this.faults();
      if (failAtStep !== undefined && step >= failAtStep) {
        this.fail(step);
        return false;
      }
      if (hangAfterStep !== undefined && step > hangAfterStep) await this.hang();
      due += stepMs;
      if (due - Date.now() >= 1) await this.wallUntil(due);
      else if (step % STEPS_BETWEEN_YIELDS === 0) await yieldToLoop(undefined, { signal: this.signal });
      const point = { ...model.next(), recordedAt: new Date().toISOString() };
      this.points.push(point);
      this.queuePoint(point);
      if (point.validationLoss !== null) {
        this.enter('RUNNING', 'EVALUATING');
        await this.simulate(this.plan.seconds.evaluation);
        due = Date.now();
        if (step < this.plan.totalSteps) this.enter('RUNNING', 'TRAINING');
      }
    }
    return true;
  }

  private evaluations(): number {
    return this.points.filter((point) => point.validationLoss !== null).length;
  }

  /** A hung job stays RUNNING, answers status, and sends nothing more; only cancel ends it (by throwing). */
  private async hang(): Promise<never> {
    this.flush();
    this.silent = true;
    this.ctx.log('simulated job hung (fault)', { externalId: this.externalId, step: this.points.length });
    return new Promise((_, reject) => this.signal.addEventListener('abort', reject, { once: true }));
  }

  private fail(step: number): void {
    const code = this.faults().failCode ?? (step <= 0 ? 'CUDA_OOM' : 'TRAINING_DIVERGED');
    const where = step <= 0 ? 'while loading the model' : `at step ${step}`;
    const message = code === 'CUDA_OOM' ? `CUDA out of memory ${where} on ${this.req.gpu.type}` : `Training diverged ${where}: loss is NaN`;
    this.finish('FAILED', { code, message });
  }

  private enter(state: ProviderJobState, stage: ProviderStage): void {
    this.state = state;
    this.stage = stage;
    this.flush();
  }

  private finish(state: ProviderJobState, error: JobError | null): void {
    this.state = state;
    this.error = error;
    this.finishedAt = new Date().toISOString();
    this.silent = false;
    this.flush();
    this.ctx.log(`simulated job ${state.toLowerCase()}`, { externalId: this.externalId, step: this.points.length });
  }

  /** Batches points: sent when the batch is full, when the flush delay passes, or with the next change. */
  private queuePoint(point: ProviderMetricPoint): void {
    this.unsent.push(point);
    if (this.unsent.length >= this.ctx.callbackBatchSize) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), this.ctx.callbackFlushMs);
  }

  /** Sends the current state with the unsent points. */
  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.silent || this.ctx.signal.aborted) return;
    const last = this.points.at(-1);
    this.sender.send({
      externalId: this.externalId,
      jobId: this.req.jobId,
      state: this.state,
      stage: this.stage,
      step: last?.step ?? 0,
      totalSteps: this.plan.totalSteps,
      epoch: last?.epoch ?? 0,
      points: this.unsent.splice(0),
      artifacts: this.artifacts(),
      error: this.error,
    });
  }

  private artifacts(): ProviderArtifact[] {
    if (this.state !== 'COMPLETED') return [];
    return this.files.map(({ name, size, sha256, contentType }) => ({
      name,
      url: this.ctx.artifactUrl(this.externalId, name),
      size,
      sha256,
      contentType,
    }));
  }

  /** Waits for a span of simulated seconds. */
  private simulate(seconds: number): Promise<void> {
    return this.wallUntil(Date.now() + this.wallMs(seconds));
  }

  private wallMs(seconds: number): number {
    return (seconds * 1000) / this.ctx.speedFactor;
  }

  private async wallUntil(time: number): Promise<void> {
    const wait = time - Date.now();
    if (wait > 0) await sleep(wait, undefined, { signal: this.signal });
    else this.signal.throwIfAborted();
  }
}
