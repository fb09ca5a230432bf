// A full run on the simulated provider over real HTTP: callbacks, status, artifacts, cancel and errors.
import { createHash } from 'node:crypto';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidCallbackError,
  ProviderRejectedError,
  ProviderUnavailableError,
  type GpuProvider,
  type ProviderArtifact,
  type ProviderStatus,
  type SubmitRequest,
} from '../../../server/gpu/provider.js';
import { readSafetensorsHeader } from '../../../server/gpu/safetensors.js';
import { createSimulatedProvider } from '../../../server/gpu/simulated/client.js';
import { startSimulatedProvider, type SimulatedProvider } from '../../../server/gpu/simulated/service.js';
import { mean, startReceiver, submitRequest, waitFor, type CallbackReceiver } from './helpers.js';

let service: SimulatedProvider;
let receiver: CallbackReceiver;
let provider: GpuProvider;
const scratch = await mkdtemp(join(tmpdir(), 'simulated-test-'));

beforeAll(async () => {
  service = await startSimulatedProvider({ port: 0, speedFactor: 5000, stepIntervalMs: 4, callbackBatchSize: 16 });
  receiver = await startReceiver();
  provider = createSimulatedProvider(service.url);
});

afterAll(async () => {
  await service.close();
  await receiver.close();
  await rm(scratch, { recursive: true, force: true });
});

const eventsOf = (externalId: string) => receiver.received.filter((r) => r.event.externalId === externalId);

async function runToEnd(req: SubmitRequest): Promise<{ externalId: string; status: ProviderStatus }> {
  const { externalId } = await provider.submit(req);
  await waitFor(() => eventsOf(externalId).some((r) => r.event.state === 'COMPLETED' || r.event.state === 'FAILED'));
  return { externalId, status: await provider.status(externalId, 0) };
}

async function download(artifact: ProviderArtifact): Promise<Buffer> {
  const stream = await provider.openArtifact(artifact);
  const chunks: Buffer[] = [];
  const readable = stream instanceof ReadableStream ? Readable.fromWeb(stream as never) : stream;
  for await (const chunk of readable) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

describe('a completed run', () => {
  let req: SubmitRequest;
  let externalId: string;
  let status: ProviderStatus;

  beforeAll(async () => {
    req = submitRequest(receiver.url);
    ({ externalId, status } = await runToEnd(req));
  });

  it('reports every step exactly once, by callback and by status', () => {
    expect(status.state).toBe('COMPLETED');
    expect(status.totalSteps).toBe(200);
    expect(status.step).toBe(200);
    expect(status.epoch).toBe(2);
    expect(status.totalEpochs).toBe(2);
    const steps = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(status.points.map((p) => p.step)).toEqual(steps);
    expect(eventsOf(externalId).flatMap((r) => r.event.points.map((p) => p.step))).toEqual(steps);
    expect(status.startedAt).not.toBeNull();
    expect(status.finishedAt).not.toBeNull();
  });

  it('answers status with only the points after afterStep', async () => {
    const later = await provider.status(externalId, 150);
    expect(later.points.map((p) => p.step)).toEqual(Array.from({ length: 50 }, (_, i) => i + 151));
  });

  it('walks the states and stages in order, one callback per change and batches of points', () => {
    const events = eventsOf(externalId).map((r) => r.event);
    const changes = events.map((e) => `${e.state}/${e.stage}`).filter((change, i, all) => change !== all[i - 1]);
    expect(changes.slice(0, 4)).toEqual(['INITIALIZING/PROVISIONING', 'INITIALIZING/LOADING_MODEL', 'RUNNING/TRAINING', 'RUNNING/EVALUATING']);
    expect(changes.slice(-3)).toEqual(['RUNNING/SAVING', 'RUNNING/UPLOADING_ARTIFACTS', 'COMPLETED/UPLOADING_ARTIFACTS']);
    expect(changes.filter((c) => c === 'RUNNING/EVALUATING')).toHaveLength(10);
    expect(Math.max(...events.map((e) => e.points.length))).toBeLessThanOrEqual(16);
    expect(new Set(events.map((e) => e.deliveryId)).size).toBe(events.length);
    for (const event of events) expect(() => provider.parseCallback(event)).not.toThrow();
  });

  it('sends the token in X-Callback-Token and never in the URL', () => {
    for (const { url, headers } of eventsOf(externalId)) {
      expect(headers['x-callback-token']).toBe(req.callbackToken);
      expect(headers['content-type']).toBe('application/json');
      expect(url).toBe('/webhooks/gpu/simulated');
      expect(url).not.toContain(req.callbackToken);
    }
  });

  it('has a falling loss, periodic validation loss and a warm-up then cosine learning rate', () => {
    const { points } = status;
    const losses = points.map((p) => p.trainingLoss!);
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 20)));
    const validated = points.filter((p) => p.validationLoss !== null);
    expect(validated.map((p) => p.step)).toEqual([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    for (const p of validated) expect(p.validationLoss!).toBeGreaterThan(p.trainingLoss! - 0.3);
    const rates = points.map((p) => p.learningRate!);
    const peakAt = rates.indexOf(Math.max(...rates));
    expect(peakAt).toBe(19);
    expect(rates.slice(0, peakAt + 1)).toEqual([...rates.slice(0, peakAt + 1)].sort((a, b) => a - b));
    expect(rates.slice(peakAt)).toEqual([...rates.slice(peakAt)].sort((a, b) => b - a));
    expect(rates.at(-1)).toBeLessThan(1e-6);
  });

  it('lists the artifacts on the final callback and serves them with matching sha256', async () => {
    const final = eventsOf(externalId).at(-1)!.event;
    expect(final.state).toBe('COMPLETED');
    expect(final.artifacts.map((a) => a.name).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'metrics.json', 'training_args.json']);
    expect(status.artifacts).toEqual(final.artifacts);
    for (const artifact of final.artifacts) {
      const bytes = await download(artifact);
      expect(bytes.length).toBe(artifact.size);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(artifact.sha256);
    }
  });

  it('writes a PEFT adapter matching the rank, layers and hidden size', async () => {
    const byName = (name: string) => status.artifacts.find((a) => a.name === name)!;
    const config = JSON.parse((await download(byName('adapter_config.json'))).toString());
    expect(config).toMatchObject({
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      base_model_name_or_path: 'test/tiny-llama',
      r: 8,
      lora_alpha: 16,
      lora_dropout: 0.05,
      target_modules: ['q_proj', 'v_proj'],
      bias: 'none',
      inference_mode: true,
    });

    const path = join(scratch, 'adapter_model.safetensors');
    await writeFile(path, await download(byName('adapter_model.safetensors')));
    const header = await readSafetensorsHeader(path);
    expect(header.metadata).toEqual({ format: 'pt' });
    const names = Object.keys(header.tensors);
    expect(names).toHaveLength(4 * 4);
    for (let layer = 0; layer < 4; layer++) {
      for (const module of ['q_proj', 'v_proj']) {
        const prefix = `base_model.model.model.layers.${layer}.self_attn.${module}`;
        expect(header.tensors[`${prefix}.lora_A.weight`]).toMatchObject({ dtype: 'BF16', shape: [8, 64] });
        expect(header.tensors[`${prefix}.lora_B.weight`]).toMatchObject({ dtype: 'BF16', shape: [64, 8] });
      }
    }
    expect(Math.max(...Object.values(header.tensors).map((t) => t.data_offsets[1]))).toBe(header.dataSize);

    const metrics = JSON.parse((await download(byName('metrics.json'))).toString());
    expect(metrics).toMatchObject({ steps: 200, best_validation_loss: expect.any(Number) });
    const args = JSON.parse((await download(byName('training_args.json'))).toString());
    expect(args).toMatchObject({ learning_rate: 2e-4, total_steps: 200, lora_r: 8 });
  });

  it('keeps the final state when a finished job is cancelled', async () => {
    expect(await provider.cancel(externalId)).toEqual({ state: 'COMPLETED' });
  });
});

describe('cancel', () => {
  it('stops a running job promptly with a final callback', async () => {
    const req = submitRequest(receiver.url, { faults: { hangAfterStep: 50 } });
    const { externalId } = await provider.submit(req);
    await waitFor(async () => (await provider.status(externalId, 0)).step === 50);
    expect(await provider.cancel(externalId)).toEqual({ state: 'CANCELLED' });
    await waitFor(() => eventsOf(externalId).some((r) => r.event.state === 'CANCELLED'));
    const status = await provider.status(externalId, 0);
    expect(status).toMatchObject({ state: 'CANCELLED', step: 50, artifacts: [] });
    expect(await provider.cancel(externalId)).toEqual({ state: 'CANCELLED' });
  });

  it('cancels a job before training starts', async () => {
    const { externalId } = await provider.submit(submitRequest(receiver.url));
    expect(await provider.cancel(externalId)).toEqual({ state: 'CANCELLED' });
    expect((await provider.status(externalId, 0)).step).toBe(0);
  });
});

describe('client errors', () => {
  it('rejects an invalid request and an unknown job with ProviderRejectedError', async () => {
    const bad = { ...submitRequest(receiver.url), datasetExamples: -1 };
    await expect(provider.submit(bad)).rejects.toBeInstanceOf(ProviderRejectedError);
    await expect(provider.status('sim-nope', 0)).rejects.toMatchObject({ status: 404 });
  });

  it('maps a refused connection to ProviderUnavailableError', async () => {
    const closed = await startSimulatedProvider({ port: 0, speedFactor: 1 });
    await closed.close();
    await expect(createSimulatedProvider(closed.url).submit(submitRequest(receiver.url))).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('rejects a malformed callback body', () => {
    expect(() => provider.parseCallback({ state: 'RUNNING' })).toThrow(InvalidCallbackError);
  });

  it('refuses to download an artifact from another host', async () => {
    const foreign = { name: 'x', url: 'http://evil.example/x', size: 1, sha256: '0'.repeat(64), contentType: 'x' };
    await expect(provider.openArtifact(foreign)).rejects.toBeInstanceOf(ProviderRejectedError);
  });
});

describe('close', () => {
  it('waits for jobs writing their artifacts, then removes their folder (no ENOTEMPTY)', async () => {
    for (let round = 0; round < 3; round++) {
      const own = await startSimulatedProvider({ port: 0, speedFactor: 5000, stepIntervalMs: 1, callbackBatchSize: 16 });
      const client = createSimulatedProvider(own.url);
      // A wide adapter takes a while to write, so closing on the SAVING callback lands mid-write.
      const baseModel = { id: 'test/wide', parametersB: 7, hiddenSize: 4096, numLayers: 32 };
      const { externalId } = await client.submit(submitRequest(receiver.url, { baseModel, datasetExamples: 8 }));
      await waitFor(() => eventsOf(externalId).some((r) => r.event.stage === 'SAVING'), 20_000);
      await expect(own.close()).resolves.toBeUndefined();
    }
  });
});
