// The loss chart and the run comparison in a real browser: smoothing redraws the curve, the log scale
// toggles, a drag zooms to a step range and Reset zoom restores it, validation points carry markers and
// reach the tooltip, the best step is marked; a run that stopped after one point fills the x axis and
// draws its point with no console error; three runs compared show three curves and their differing settings.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoA11yViolations } from './a11y.js';
import { validDataset } from './files.js';
import { screenshot, setGpuFaults, startStack, type Stack } from './stack.js';

let stack: Stack;
let page: Page;
let token: string;
const consoleErrors: string[] = [];
const gql = (query: string, variables: Record<string, unknown> = {}) => stack.gql(query, variables, token);

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}\n${stack.log().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function readyDataset(examples: number): Promise<string> {
  const file = validDataset(examples);
  const created = await gql(
    `mutation($input: CreateDatasetInput!) { createDataset(input: $input) { ... on CreateDatasetPayload { dataset { id } upload { url method headers } } } }`,
    { input: { name: 'Support chats', fileName: 'chats.jsonl', fileSize: file.length, contentType: 'application/jsonl' } },
  );
  const { dataset, upload } = created.createDataset;
  expect((await fetch(upload.url, { method: upload.method, headers: upload.headers, body: new Uint8Array(file) })).ok).toBe(true);
  await gql('mutation($id: ID!) { confirmDatasetUpload(id: $id) { __typename } }', { id: dataset.id });
  await until(
    async () => (await gql('query($id: ID!) { dataset(id: $id) { status } }', { id: dataset.id })).dataset.status,
    (s) => s === 'READY',
    'dataset',
  );
  return dataset.id;
}

async function startJob(datasetId: string, name: string, presetId: string, hyperparameters: Record<string, unknown> = {}): Promise<string> {
  const created = await gql(
    `mutation($input: CreateTrainingJobInput!) { createTrainingJob(input: $input) { __typename ... on TrainingJobPayload { trainingJob { id } } ... on Error { message } } }`,
    { input: { datasetId, name, presetId, hyperparameters, gpu: { type: 'A100-80GB', count: 1 } } },
  );
  if (!created.createTrainingJob.trainingJob) throw new Error(JSON.stringify(created));
  return created.createTrainingJob.trainingJob.id;
}

const jobStatus = async (id: string) => (await gql('query($id: ID!) { trainingJob(id: $id) { status } }', { id })).trainingJob.status as string;
const ended = (s: string) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(s);

const chart = () => page.locator('.loss-chart').first();
const smoothedPath = () => chart().locator('[data-kind=smoothed] path').first().getAttribute('d');
const xDomain = async () => [Number(await chart().getAttribute('data-x-min')), Number(await chart().getAttribute('data-x-max'))];

let stoppedJob: string;
const runs: { id: string; name: string }[] = [];

beforeAll(async () => {
  stack = await startStack();
  page = await stack.browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  token = ((await (await fetch(`${stack.url}/auth/local`)).json()) as { token: string }).token;
  const datasetId = await readyDataset(120);

  // A run that fails during its second step: one point recorded, of many planned.
  await setGpuFaults(stack, { failAtStep: 2 });
  stoppedJob = await startJob(datasetId, 'Stopped early', 'fast');
  await until(() => jobStatus(stoppedJob), ended, 'stopped job');
  await setGpuFaults(stack, {});

  // Three five-epoch runs that differ in learning rate and LoRA rank.
  for (const [name, hp] of [
    ['Rank 32, lr 1e-4', {}],
    ['Rank 32, lr 3e-4', { learningRate: 3e-4 }],
    ['Rank 8, lr 1e-4', { loraRank: 8, loraAlpha: 16 }],
  ] as const) {
    runs.push({ id: await startJob(datasetId, name, 'quality', hp), name });
  }
  for (const run of runs) expect(await until(() => jobStatus(run.id), ended, run.name, 150_000)).toBe('COMPLETED');
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the loss chart on the monitor', () => {
  it('draws validation points with markers, marks the best step and shows them in the tooltip', async () => {
    await page.goto(`${stack.url}/training/jobs/${runs[0]!.id}`);
    await chart().locator('[data-kind=smoothed] path').waitFor();
    expect(await chart().locator('[data-kind=validation] circle').count()).toBeGreaterThanOrEqual(5);
    const best = chart().locator('[data-best-step]');
    expect(await best.count()).toBe(1);
    // Up to three decimals: a loss of 1.040 reads 1.04.
    expect(await chart().textContent()).toMatch(/Best validation \d+(\.\d{1,3})? at step \d+/);

    const marker = chart().locator('[data-kind=validation] circle').nth(2);
    await chart().scrollIntoViewIfNeeded();
    const box = (await marker.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = page.locator('.chart-tooltip');
    await tooltip.waitFor();
    await expectNoA11yViolations(page, 'the loss chart with its tooltip');
    expect(await tooltip.textContent()).toMatch(/Validation loss: \d\.\d{3}/);
    await page.mouse.move(0, 0);
  });

  it('warns of overfitting exactly when the model rating does, in the same words, on the monitor and the model page', async () => {
    const job = await until(
      async () => (await gql('query($id: ID!) { trainingJob(id: $id) { artifact { id quality { warnings { code message } } } } }', { id: runs[0]!.id })).trainingJob,
      (j) => j.artifact?.quality != null,
      'stored model',
    );
    const overfit = job.artifact.quality.warnings.find((w: { code: string }) => w.code === 'OVERFITTING');
    const alert = page.locator('.alert', { hasText: 'Overfitting' });
    expect(await alert.count()).toBe(overfit ? 1 : 0);
    if (!overfit) return;
    expect(await alert.textContent()).toContain(overfit.message);
    await page.goto(`${stack.url}/models/${job.artifact.id}`);
    await page.locator('.alert', { hasText: overfit.message }).waitFor();
    await page.goto(`${stack.url}/training/jobs/${runs[0]!.id}`);
    await chart().locator('[data-kind=smoothed] path').waitFor();
  });

  it('redraws the curve when smoothing changes, and hides the raw line at 0', async () => {
    const before = await smoothedPath();
    expect(await chart().locator('[data-kind=raw] path').count()).toBe(1);
    await page.getByRole('slider', { name: 'Smoothing' }).fill('0.95');
    await expect.poll(smoothedPath).not.toBe(before);
    await page.getByRole('slider', { name: 'Smoothing' }).fill('0');
    await expect.poll(() => chart().locator('[data-kind=raw]').count()).toBe(0);
    await page.getByRole('slider', { name: 'Smoothing' }).fill('0.6');
    await expect.poll(smoothedPath).toBe(before);
  });

  it('toggles a log y axis', async () => {
    const linear = await smoothedPath();
    await page.getByRole('checkbox', { name: 'Log scale' }).check();
    expect(await chart().getAttribute('data-y-scale')).toBe('log');
    await expect.poll(smoothedPath).not.toBe(linear);
    await page.getByRole('checkbox', { name: 'Log scale' }).uncheck();
    expect(await chart().getAttribute('data-y-scale')).toBe('linear');
    await expect.poll(smoothedPath).toBe(linear);
  });

  it('zooms to the steps dragged across, and Reset zoom restores the whole run', async () => {
    const full = await xDomain();
    expect(full[0]).toBeLessThanOrEqual(1);
    await chart().scrollIntoViewIfNeeded();
    const box = (await chart().boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.4, { steps: 5 });
    await page.mouse.up();
    await expect.poll(xDomain).not.toEqual(full);
    const zoomed = await xDomain();
    expect(zoomed[0]).toBeGreaterThan(full[0]!);
    expect(zoomed[1]).toBeLessThan(full[1]!);
    expect(zoomed[1]! - zoomed[0]!).toBeLessThan((full[1]! - full[0]!) / 2);
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    expect(await xDomain()).toEqual(full);
  });

  it('spans the steps a stopped run recorded and draws a single point without a console error', async () => {
    await page.goto(`${stack.url}/training/jobs/${stoppedJob}`);
    await chart().locator('[data-kind=smoothed] circle').waitFor();
    await expectNoA11yViolations(page, 'a one-point run');
    const planned = (await gql('query($id: ID!) { trainingJob(id: $id) { totalSteps metrics { step } } }', { id: stoppedJob })).trainingJob;
    expect(planned.metrics).toHaveLength(1);
    expect(planned.totalSteps).toBeGreaterThan(10);
    const [min, max] = await xDomain();
    expect(max! - min!).toBeLessThanOrEqual(2);
    expect(await page.locator('path[d="null"], path[d=""]').count()).toBe(0);
    expect(consoleErrors.filter((e) => /attribute d|NaN/.test(e))).toEqual([]);
  });
});

describe('comparing runs', () => {
  it('picks three runs in the jobs list and shows three curves with their differing settings highlighted', async () => {
    await page.goto(`${stack.url}/training/jobs`);
    for (const run of runs) await page.getByRole('checkbox', { name: `Compare ${run.name}` }).check();
    await page.getByRole('link', { name: 'Compare 3 runs' }).click();
    await page.waitForURL(/\/compare\?ids=/);
    await chart().locator('[data-kind=smoothed] path').first().waitFor();
    const curves = await chart()
      .locator('[data-kind=smoothed]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-run')));
    expect(new Set(curves).size).toBe(3);

    const differing = await page.locator('tr[data-differs] th').allTextContents();
    expect(differing.map((t) => t.replace(' (differs)', ''))).toEqual(['Learning rate', 'LoRA rank', 'LoRA alpha']);
    expect(await page.locator('tr[data-differs] td.compare-cell-differs').count()).toBe(9);
    expect(await page.getByRole('row', { name: /^Epochs/ }).getAttribute('data-differs')).toBeNull();
    expect(await page.getByRole('row', { name: /^Best validation loss/ }).textContent()).toMatch(/\d+(\.\d{1,3})? at step \d+/);

    await page.getByRole('combobox', { name: 'X axis' }).selectOption('tokens');
    await expect.poll(async () => (await xDomain())[1]).toBeGreaterThan(1000);
    await page.getByRole('combobox', { name: 'X axis' }).selectOption('step');
    await screenshot(page, 'comparison');
  });

  it('lists models by best validation loss, with the final and best loss columns', async () => {
    await page.goto(`${stack.url}/models?sort=loss`);
    await until(
      async () => (await gql('{ models(first: 10, status: [STORED]) { totalCount } }')).models.totalCount,
      (n) => n === 3,
      'stored models',
    );
    await page.reload();
    await page.locator('td[data-label="Best val. loss"]').first().waitFor();
    await expectNoA11yViolations(page, 'models by validation loss');
    const best = (await page.locator('td[data-label="Best val. loss"]').allTextContents()).map(Number);
    expect(best).toHaveLength(3);
    expect(best).toEqual([...best].sort((a, b) => a - b));

    // Picking from the models list compares their jobs.
    const names = await page.locator('td[data-label="Model"] .row-title').allTextContents();
    for (const name of names.slice(0, 2)) await page.getByRole('checkbox', { name: `Compare ${name}` }).check();
    const href = await page.getByRole('link', { name: 'Compare 2 runs' }).getAttribute('href');
    const picked = runs.filter((r) => href!.includes(encodeURIComponent(r.id)));
    expect(picked).toHaveLength(2);
    expect(consoleErrors).toEqual([]);
  });

  it("says a run is not found when one of the ids is missing or someone else's", async () => {
    const missing = btoa(`TrainingJob:${crypto.randomUUID()}`);
    await page.goto(`${stack.url}/compare?ids=${encodeURIComponent(runs[0]!.id)},${encodeURIComponent(missing)}`);
    await page.getByRole('heading', { name: 'A run was not found' }).waitFor();
    await expectNoA11yViolations(page, 'comparison with a missing run');
    await page.goto(`${stack.url}/compare?ids=${encodeURIComponent(runs[0]!.id)}`);
    await page.getByRole('heading', { name: 'Pick 2 to 5 runs' }).waitFor();
  });
});
