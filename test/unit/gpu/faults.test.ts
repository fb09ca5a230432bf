// The simulated provider's fault knobs: failures, dropped, duplicated, reordered and late callbacks, outages.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderUnavailableError, type GpuProvider, type SimulatedFaults } from '../../../server/gpu/provider.js';
import { createSimulatedProvider } from '../../../server/gpu/simulated/client.js';
import { startSimulatedProvider, type SimulatedProvider } from '../../../server/gpu/simulated/service.js';
import { startReceiver, submitRequest, waitFor, type CallbackReceiver } from './helpers.js';

let service: SimulatedProvider;
let receiver: CallbackReceiver;
let provider: GpuProvider;

beforeAll(async () => {
  service = await startSimulatedProvider({ port: 0, speedFactor: 5000, stepIntervalMs: 2, callbackBatchSize: 5 });
  receiver = await startReceiver();
  provider = createSimulatedProvider(service.url);
});

afterEach(() => service.setFaults({}));

afterAll(async () => {
  await service.close();
  await receiver.close();
});

const eventsOf = (externalId: string) => receiver.received.filter((r) => r.event.externalId === externalId).map((r) => r.event);
const seqOf = (deliveryId: string) => Number(deliveryId.split(':').at(-1));

/** A one-epoch run of 60 steps with these faults, waited on until its status is terminal. */
async function run(faults: SimulatedFaults) {
  const req = submitRequest(receiver.url, { datasetExamples: 240, datasetTokens: 240 * 100, faults });
  req.hyperparameters.epochs = 1;
  const { externalId } = await provider.submit(req);
  const status = await waitFor(async () => {
    const current = await provider.status(externalId, 0);
    return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(current.state) && current;
  });
  return { externalId, status };
}

describe('fault knobs', () => {
  it('failAtStep fails the job with an error and a FAILED callback', async () => {
    const { externalId, status } = await run({ failAtStep: 30 });
    expect(status).toMatchObject({ state: 'FAILED', step: 29, error: { code: 'TRAINING_DIVERGED' } });
    expect(status.points).toHaveLength(29);
    const final = await waitFor(() => eventsOf(externalId).find((e) => e.state === 'FAILED'));
    expect(final.error).toEqual(status.error);
  });

  it('failAtStep 0 fails while loading the model with CUDA_OOM', async () => {
    const { status } = await run({ failAtStep: 0 });
    expect(status).toMatchObject({ state: 'FAILED', stage: 'LOADING_MODEL', step: 0, error: { code: 'CUDA_OOM' } });
  });

  it('duplicateRate sends deliveries twice with the same deliveryId', async () => {
    const { externalId } = await run({ duplicateRate: 1 });
    const ids = await waitFor(() => {
      const events = eventsOf(externalId);
      return events.filter((e) => e.state === 'COMPLETED').length === 2 && events.map((e) => e.deliveryId);
    });
    expect(ids.length).toBe(2 * new Set(ids).size);
  });

  it('dropRate loses some metric batches while status keeps every point', async () => {
    const { externalId, status } = await run({ dropRate: 0.5 });
    expect(status.points.map((p) => p.step)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const events = eventsOf(externalId);
    const delivered = events.flatMap((e) => e.points.map((p) => p.step));
    expect(delivered.length).toBeLessThan(60);
    expect(new Set(delivered).size).toBe(delivered.length);
    // The sequence numbers show deliveries that never arrived.
    expect(Math.max(...events.map((e) => seqOf(e.deliveryId)))).toBeGreaterThan(events.length);
  });

  it('reorder delivers out of order, yet every delivery arrives', async () => {
    const { externalId } = await run({ reorder: true });
    const events = await waitFor(() => {
      const all = eventsOf(externalId);
      return all.some((e) => e.state === 'COMPLETED') && all.length === Math.max(...all.map((e) => seqOf(e.deliveryId))) && all;
    });
    const order = events.map((e) => seqOf(e.deliveryId));
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
    expect(events.flatMap((e) => e.points).length).toBe(60);
  });

  it('delayMs makes every delivery late', async () => {
    const started = Date.now();
    const { externalId } = await provider.submit(submitRequest(receiver.url, { faults: { delayMs: 300, hangAfterStep: 1 } }));
    await waitFor(() => eventsOf(externalId).length > 0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await provider.cancel(externalId);
  });

  it('downForMs makes the API answer 503, then recover', async () => {
    service.setFaults({ downForMs: 300 });
    const req = submitRequest(receiver.url);
    await expect(provider.submit(req)).rejects.toBeInstanceOf(ProviderUnavailableError);
    const { externalId } = await waitFor(() => provider.submit(req).catch(() => undefined), 2000);
    await provider.cancel(externalId);
  });

  it('a job-level downForMs pauses its status and callbacks only', async () => {
    const { externalId } = await provider.submit(submitRequest(receiver.url, { faults: { downForMs: 300 } }));
    await expect(provider.status(externalId, 0)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(eventsOf(externalId)).toHaveLength(0);
    await waitFor(() => eventsOf(externalId).length > 0);
    await provider.cancel(externalId);
  });

  it('holdArtifacts holds artifact downloads until faults are set without it', async () => {
    const { status } = await run({});
    const artifact = status.artifacts[0]!;
    service.setFaults({ holdArtifacts: true });
    let answered = false;
    const download = provider.openArtifact(artifact).then((body) => {
      answered = true;
      return new Response(body as ReadableStream<Uint8Array>).arrayBuffer();
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    service.setFaults({});
    expect((await download).byteLength).toBe(artifact.size);
  });

  it('global faults set over HTTP apply to new jobs', async () => {
    const response = await fetch(`${service.url}/v1/admin/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ failAtStep: 5 }),
    });
    expect(response.status).toBe(200);
    const { status } = await run({});
    expect(status).toMatchObject({ state: 'FAILED', step: 4 });
    const typo = await fetch(`${service.url}/v1/admin/faults`, { method: 'POST', body: JSON.stringify({ failAt: 5 }) });
    expect(typo.status).toBe(400);
  });

  it('retries a failed delivery with the same deliveryId', async () => {
    receiver.failNext(2);
    const { externalId } = await provider.submit(submitRequest(receiver.url, { faults: { hangAfterStep: 0 } }));
    const first = await waitFor(() => eventsOf(externalId).find((e) => e.deliveryId.endsWith(':1')), 3000);
    expect(first.stage).toBe('PROVISIONING');
    await provider.cancel(externalId);
  });
});
