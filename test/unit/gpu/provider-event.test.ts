// parseProviderEvent checks points by hand for speed: it must accept, refuse and
// return exactly what the zod schema does.
import { describe, expect, it } from 'vitest';
import { InvalidCallbackError, isIsoInstant, parseProviderEvent, providerEventSchema } from '../../../server/gpu/provider.js';

const point = {
  step: 7,
  epoch: 0.5,
  trainingLoss: 1.25,
  validationLoss: null,
  learningRate: 1e-4,
  gradNorm: 0.9,
  throughput: 1200,
  tokensTrained: 4096,
  gpuUtilization: 0.93,
  recordedAt: '2026-12-07T07:33:18.123Z',
};
const event = (points: unknown[]) => ({
  deliveryId: 'd-1',
  externalId: 'sim-1',
  jobId: 'job-1',
  state: 'RUNNING',
  stage: 'TRAINING',
  step: 7,
  totalSteps: 100,
  epoch: 0.5,
  points,
  artifacts: [],
  error: null,
  sentAt: '2026-12-07T07:33:18.200Z',
});

/** Points around every rule of the schema, valid and not. */
const variants: Record<string, unknown>[] = [
  {},
  { extra: 'dropped' },
  { step: 0 },
  { step: 1.5 },
  { step: 2 ** 31 },
  { step: 2 ** 31 - 1 },
  { step: '7' },
  { epoch: -0.1 },
  { epoch: 1e300 },
  { trainingLoss: null, learningRate: null, gradNorm: null, throughput: null },
  { trainingLoss: Infinity },
  { validationLoss: 'low' },
  { tokensTrained: null },
  { tokensTrained: 1.5 },
  { tokensTrained: -1 },
  { tokensTrained: 2 ** 60 },
  { gpuUtilization: null },
  { gpuUtilization: 1 },
  { gpuUtilization: 93 },
  { recordedAt: '2026-12-07T07:33:18Z' },
  { recordedAt: '2026-12-07T07:33:18.123456+00:00' },
  { recordedAt: '2026-02-30T07:33:18.123Z' },
  { recordedAt: '2026-12-07T24:33:18.123Z' },
  { recordedAt: 'yesterday' },
  { recordedAt: 1765092798123 },
];

describe('parseProviderEvent', () => {
  it.each(variants.map((change) => [JSON.stringify(change), change]))('agrees with the schema on a point %s', (_, change) => {
    const body = event([point, { ...point, ...change }]);
    const expected = providerEventSchema.safeParse(body);
    if (expected.success) expect(parseProviderEvent(body)).toEqual(expected.data);
    else expect(() => parseProviderEvent(body)).toThrow(InvalidCallbackError);
  });

  it('agrees with the schema on a point missing any field, and on points that are not objects', () => {
    const bodies = [...Object.keys(point).map((key) => event([Object.fromEntries(Object.entries(point).filter(([k]) => k !== key))])), event([null]), event([[1]]), event([7])];
    for (const body of bodies) {
      expect(providerEventSchema.safeParse(body).success).toBe(false);
      expect(() => parseProviderEvent(body)).toThrow(InvalidCallbackError);
    }
  });
});

describe('isIsoInstant', () => {
  it('answers as comparing a date with toISOString of its Date.parse does: month lengths, leap years, field ranges', () => {
    const roundTrips = (text: string) => {
      const time = Date.parse(text);
      return Number.isFinite(time) && new Date(time).toISOString() === text;
    };
    const texts = [
      ...['2024-02-29', '2023-02-29', '2000-02-29', '2100-02-29', '0000-02-29', '2026-04-31', '2026-12-31', '2026-13-01', '2026-00-10', '2026-01-00'].map(
        (d) => `${d}T07:33:18.123Z`,
      ),
      ...['23:59:59.999', '24:00:00.000', '12:60:00.000', '12:00:60.000', '12:00:00.12', '12:00:00Z'].map((t) => `2026-12-07T${t}Z`),
      '2026-12-07T07:33:18.123+00:00',
      '2026-12-07T07:33:18.123Z\n',
      '+002026-12-07T07:33:18.123Z',
    ];
    for (const text of texts) expect([text, isIsoInstant(text)]).toEqual([text, roundTrips(text)]);
  });
});
