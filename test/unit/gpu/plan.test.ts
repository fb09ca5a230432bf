// The run plan and metric model: step counts, schedule shape, and reproducibility from a seed.
import { describe, expect, it } from 'vitest';
import { learningRateAt, MetricModel, planRun } from '../../../server/gpu/simulated/plan.js';
import { mean, submitRequest } from './helpers.js';

const request = submitRequest('http://127.0.0.1:9');

describe('planRun', () => {
  it('derives steps from examples, batch, accumulation and GPUs', () => {
    expect(planRun(request).totalSteps).toBe(200);
    const bigger = { ...request.hyperparameters, batchSize: 8, gradientAccumulation: 2, epochs: 3 };
    expect(planRun({ ...request, hyperparameters: bigger, gpu: { type: 'A100-80GB', count: 2 } }).totalSteps).toBe(Math.ceil(400 / 32) * 3);
    expect(planRun({ ...request, datasetExamples: 1, datasetTokens: 10 }).totalSteps).toBe(2);
  });

  it('is fastest on H100 and slowest on V100, and slower for larger or quantised models', () => {
    const throughput = (changes: Partial<typeof request>) => planRun({ ...request, ...changes }).throughput;
    const h100 = throughput({ gpu: { type: 'H100-80GB', count: 1 } });
    const a100 = throughput({});
    const v100 = throughput({ gpu: { type: 'V100-32GB', count: 1 } });
    expect(h100).toBeGreaterThan(a100);
    expect(a100).toBeGreaterThan(v100);
    expect(throughput({ baseModel: { ...request.baseModel, parametersB: 7 } })).toBeLessThan(a100 / 50);
    expect(throughput({ hyperparameters: { ...request.hyperparameters, quantization: 'NF4' } })).toBeLessThan(a100);
  });

  it('makes a small demo run last about a minute at speed 5', () => {
    const demo = planRun({
      ...request,
      datasetExamples: 1000,
      datasetTokens: 200_000,
      hyperparameters: { ...request.hyperparameters, epochs: 3, batchSize: 8, quantization: 'NF4' },
      baseModel: { id: 'mistralai/Mistral-7B-v0.1', parametersB: 7.2, hiddenSize: 4096, numLayers: 32 },
    });
    const s = demo.seconds;
    const total = s.queue + s.provisioning + s.loadingModel + demo.totalSteps * s.step + 10 * s.evaluation + s.saving;
    expect(total / 5).toBeGreaterThan(40);
    expect(total / 5).toBeLessThan(100);
  });
});

describe('MetricModel', () => {
  const plan = planRun(request);
  const run = (seed: string) => {
    const model = new MetricModel(plan, request.hyperparameters, seed);
    return Array.from({ length: plan.totalSteps }, () => model.next());
  };

  it('gives the same series for the same seed and another for another seed', () => {
    expect(run('a')).toEqual(run('a'));
    expect(run('a')).not.toEqual(run('b'));
  });

  it('warms the learning rate up, then decays it to about zero', () => {
    const peak = request.hyperparameters.learningRate;
    expect(plan.warmupSteps).toBe(20);
    expect(learningRateAt(1, plan, peak)).toBeCloseTo(peak / 20);
    expect(learningRateAt(20, plan, peak)).toBeCloseTo(peak);
    expect(learningRateAt(110, plan, peak)).toBeCloseTo(peak / 2);
    expect(learningRateAt(200, plan, peak)).toBeLessThan(peak * 1e-3);
  });

  it('produces a falling loss, periodic validation loss and plausible figures', () => {
    const points = run('curve');
    expect(points.map((p) => p.step)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const losses = points.map((p) => p.trainingLoss!);
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 20)) - 0.5);
    expect(losses[0]).toBeGreaterThan(2);
    expect(points.filter((p) => p.validationLoss !== null).map((p) => p.step)).toEqual([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    for (const p of points) {
      expect(p.gpuUtilization).toBeGreaterThanOrEqual(0.85);
      expect(p.gpuUtilization).toBeLessThanOrEqual(0.98);
      expect(p.throughput).toBeGreaterThan(0);
      expect(p.gradNorm).toBeGreaterThan(0);
    }
    expect(points.at(-1)!.tokensTrained).toBe(2 * 400 * 250);
    expect(points.at(-1)!.epoch).toBe(2);
  });
});
