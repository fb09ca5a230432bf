// The model page and what leads back to training: "Train again" from the monitor and the model fills the
// configure page with that job's settings (and shows nothing of another user's job); copy buttons for the
// checksums; "Download all" as one tar; code samples that work as written. Then a dataset's problems grouped
// by code, paged, with each line's start, the report as CSV, and a file re-checked as the other format.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/processes.js';
import { validDataset } from './files.js';
import { expectNoA11yViolations } from './a11y.js';
import { screenshot as takeScreenshot, startStack, type Stack } from './stack.js';

let stack: Stack;
let page: Page;
let token: string;

const SETTINGS = {
  presetId: 'fast',
  baseModelId: 'Qwen/Qwen3-8B',
  hyperparameters: { epochs: 2, loraRank: 12, learningRate: 0.0003 },
  gpu: { type: 'H100-80GB', count: 2 },
  maxCostUsd: '25',
};
const JOB_SETTINGS = `name presetId maxCost dataset { id } baseModel { id } gpu { type count }
  hyperparameters { epochs learningRate batchSize loraRank loraAlpha loraDropout maxSeqLength warmupRatio gradientAccumulation quantization }`;

let datasetId: string;
let jobId: string;
let modelId: string;

const screenshot = (name: string) => takeScreenshot(page, name);

/** Uploads a file as `bearer` through the API and waits until its validation ends; returns the dataset's id. */
async function uploaded(bearer: string, name: string, file: Buffer, format = 'CHAT_JSONL'): Promise<string> {
  const created = await stack.gql(
    `mutation($input: CreateDatasetInput!) { createDataset(input: $input) { ... on CreateDatasetPayload { dataset { id } upload { url method headers } } } }`,
    { input: { name, format, fileName: `${name.replace(/\W+/g, '-')}.jsonl`, fileSize: file.length, contentType: 'application/jsonl' } },
    bearer,
  );
  const { dataset, upload } = created.createDataset;
  expect((await fetch(upload.url, { method: upload.method, headers: upload.headers, body: new Uint8Array(file) })).ok).toBe(true);
  await stack.gql('mutation($id: ID!) { confirmDatasetUpload(id: $id) { __typename } }', { id: dataset.id }, bearer);
  await until(
    `${name} to be validated`,
    async () => {
      const { dataset: now } = await stack.gql('query($id: ID!) { dataset(id: $id) { status } }', { id: dataset.id }, bearer);
      return ['READY', 'INVALID'].includes(now.status);
    },
    90_000,
  );
  return dataset.id;
}

async function createJob(bearer: string, input: Record<string, unknown>): Promise<string> {
  const created = await stack.gql(
    `mutation($input: CreateTrainingJobInput!) { createTrainingJob(input: $input) { __typename ... on TrainingJobPayload { trainingJob { id } } ... on Error { message } } }`,
    { input },
    bearer,
  );
  if (created.createTrainingJob.__typename !== 'TrainingJobPayload') throw new Error(JSON.stringify(created));
  return created.createTrainingJob.trainingJob.id;
}

beforeAll(async () => {
  stack = await startStack();
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
  page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
  token = await stack.token();
  datasetId = await uploaded(token, 'Support chats', validDataset(40));
  jobId = await createJob(token, { datasetId, name: 'Support bot, v2', ...SETTINGS });
  modelId = await until(
    'the model to be stored',
    async () => {
      const { trainingJob } = await stack.gql('query($id: ID!) { trainingJob(id: $id) { status artifact { id status } } }', { id: jobId }, token);
      if (['FAILED', 'CANCELLED'].includes(trainingJob.status)) throw new Error(`the job ended ${trainingJob.status}`);
      return trainingJob.artifact?.status === 'STORED' ? (trainingJob.artifact.id as string) : null;
    },
    120_000,
  );
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('train again', () => {
  it("fills the configure page from the monitor with the job's dataset, model, hyperparameters, GPUs and cap", async () => {
    await page.goto(`${stack.url}/training/jobs/${jobId}`);
    await page.getByRole('link', { name: 'Train again' }).click();
    await page.getByText('The settings of Support bot, v2').waitFor();
    expect(new URL(page.url()).searchParams.get('from')).toBe(jobId);
    expect(await page.getByRole('combobox', { name: 'Dataset', exact: true }).inputValue()).toBe(datasetId);
    expect(await page.getByRole('radio', { name: /^Fast/ }).isChecked()).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Epochs', exact: true }).inputValue()).toBe('2');
    expect(await page.getByRole('textbox', { name: 'LoRA rank', exact: true }).inputValue()).toBe('12');
    expect(Number(await page.getByRole('textbox', { name: 'Learning rate', exact: true }).inputValue())).toBe(0.0003);
    expect(await page.getByRole('combobox', { name: 'Base model', exact: true }).inputValue()).toBe('Qwen/Qwen3-8B');
    expect(await page.getByRole('radio', { name: /H100-80GB/ }).isChecked()).toBe(true);
    expect(await page.getByRole('combobox', { name: 'GPU count', exact: true }).inputValue()).toBe('2');
    expect(await page.getByLabel('Cost cap in USD (optional)').inputValue()).toBe('25');
    await expectNoA11yViolations(page, 'configure, train again');

    // Started as it stands, the new job has the same settings as the first.
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/training/jobs/') && !url.pathname.endsWith(jobId));
    const againId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const read = async (id: string) => (await stack.gql(`query($id: ID!) { trainingJob(id: $id) { ${JOB_SETTINGS} } }`, { id }, token)).trainingJob;
    const [first, again] = await Promise.all([read(jobId), read(againId)]);
    expect({ ...again, name: undefined }).toEqual({ ...first, name: undefined });
  });

  it('links from the model page to the same pre-filled form', async () => {
    await page.goto(`${stack.url}/models/${modelId}`);
    const link = page.getByRole('link', { name: 'Train again' });
    expect(await link.getAttribute('href')).toBe(`/training/configure?from=${encodeURIComponent(jobId)}`);
  });

  it("shows nothing of another user's job: a warning and the defaults", async () => {
    const bob = await stack.token('bob@test.brightrun.dev');
    const bobsDataset = await uploaded(bob, 'Bob private chats', validDataset(12));
    const bobsJob = await createJob(bob, { datasetId: bobsDataset, name: 'Bob private job', presetId: 'quality', gpu: { type: 'V100-32GB', count: 4 }, maxCostUsd: '77' });
    await page.goto(`${stack.url}/training/configure?from=${encodeURIComponent(bobsJob)}`);
    await page.getByText('The job to train again was not found').waitFor();
    expect(await page.getByLabel('Cost cap in USD (optional)').inputValue()).toBe('');
    expect(await page.getByRole('combobox', { name: 'GPU count', exact: true }).inputValue()).toBe('1');
    expect(await page.getByRole('radio', { name: /^Balanced/ }).isChecked()).toBe(true);
    const text = await page.locator('main').textContent();
    expect(text).not.toContain('Bob private');
    await expectNoA11yViolations(page, "configure, another user's job");
  });
});

describe('the model page', () => {
  it('copies a checksum to the clipboard and says so', async () => {
    await page.goto(`${stack.url}/models/${modelId}`);
    const row = page.locator('tbody tr', { hasText: 'adapter_config.json' });
    const sha256 = await row.locator('td[data-label="SHA-256"]').getAttribute('title');
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    const copy = row.getByRole('button', { name: 'Copy SHA-256 of adapter_config.json' });
    await copy.click();
    await row.getByRole('button', { name: 'Copied SHA-256 of adapter_config.json' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(sha256);
    await page.getByRole('status').filter({ hasText: 'SHA-256 of adapter_config.json copied' }).waitFor();
    // The feedback goes after a moment, ready for the next copy.
    await copy.waitFor({ timeout: 5000 });
  });

  it('downloads every file in one tar archive', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('button', { name: 'Download all (.tar)' }).click()]);
    expect(download.suggestedFilename()).toBe('Support_bot_v2.tar');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-page-'));
    try {
      await download.saveAs(path.join(dir, 'all.tar'));
      execFileSync('tar', ['-xf', 'all.tar'], { cwd: dir });
      const names = fs.readdirSync(path.join(dir, 'Support_bot_v2')).sort();
      const shown = await page.locator('tbody td[data-label=File]').allTextContents();
      expect(names).toEqual(shown.map((name) => name.trim()).sort());
      const sha256 = await page.locator('tbody tr', { hasText: 'adapter_model.safetensors' }).locator('td[data-label="SHA-256"]').getAttribute('title');
      expect(
        createHash('sha256')
          .update(fs.readFileSync(path.join(dir, 'Support_bot_v2', 'adapter_model.safetensors')))
          .digest('hex'),
      ).toBe(sha256);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('offers code filled with the real ids and address, which runs as written (curl and Python)', async () => {
    const created = await stack.gql('mutation { createApiKey(input: { name: "snippets" }) { ... on CreateApiKeyPayload { secret } } }', {}, token);
    const env = { ...process.env, BRIGHTRUN_API_KEY: created.createApiKey.secret as string };
    const code = async (tab: string) => {
      await page.getByRole('group', { name: 'Code sample' }).getByRole('button', { name: tab, exact: true }).click();
      return (await page.locator('pre.snippet-code').textContent())!;
    };

    const peft = await code('PEFT (Python)');
    expect(peft).toContain('AutoModelForCausalLM.from_pretrained("Qwen/Qwen3-8B")');
    expect(peft).toContain('PeftModel.from_pretrained(base, "./Support_bot_v2")');
    expect(peft).toContain('tar -xf Support_bot_v2.tar');

    const curl = await code('curl');
    expect(curl).toContain(`${stack.url}/graphql`);
    expect(curl).toContain(modelId);
    // Without the line that sets a placeholder key: the real one is in the environment.
    const curlAnswer = JSON.parse(execFileSync('sh', ['-c', curl.replace(/^export BRIGHTRUN_API_KEY=.*$/m, '')], { env }).toString());
    expect(curlAnswer.data.createModelDownload.archive.name).toBe('Support_bot_v2.tar');

    const python = await code('Python');
    expect(python).toContain(modelId);
    const printed = execFileSync('python3', ['-c', python], { env }).toString().trim();
    expect(printed).toMatch(new RegExp(`^${stack.url.replace(/[.:/]/g, '\\$&')}/storage/`));

    await page.getByRole('button', { name: 'Copy Python code' }).click();
    await page.getByRole('button', { name: 'Copied Python code' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(python);
    await page.getByRole('button', { name: 'Copy Python code' }).waitFor({ timeout: 5000 });
    await screenshot('model-detail');
  });
});

describe("a dataset's problems", () => {
  // 25 lines with a bad role (the first one long), 3 that are not JSON, 12 valid examples.
  const badRole = (n: number) =>
    JSON.stringify({
      messages: [
        { role: 'robot', content: n === 1 ? `beep ${'long '.repeat(60)}` : `beep ${n}` },
        { role: 'assistant', content: 'boop' },
      ],
    });
  const lines = [...Array.from({ length: 25 }, (_, i) => badRole(i + 1)), '{"messages": [{"role": "user"', 'not json at all', '{"a": 1'];
  let brokenId: string;

  beforeAll(async () => {
    brokenId = await uploaded(token, 'Broken chats', Buffer.concat([Buffer.from(`${lines.join('\n')}\n`), validDataset(12)]));
  }, 60_000);

  it('groups them by code with counts, pages each group, and shows the start of each line', async () => {
    await page.goto(`${stack.url}/datasets/${brokenId}`);
    const roles = page.locator('tbody[data-code=INVALID_ROLE]');
    const toggle = roles.locator('button.issue-group-toggle');
    await toggle.waitFor();
    expect(await toggle.textContent()).toContain('25');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const shownLines = () => roles.locator('tr.issue-row td[data-label=Line]').allTextContents();
    await expect.poll(shownLines).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    const firstExcerpt = (await roles.locator('tr.issue-row').first().locator('.issue-excerpt').textContent())!;
    expect(firstExcerpt).toBe(`${lines[0]!.slice(0, 200)}…`);

    await roles.getByRole('button', { name: 'Next INVALID_ROLE issues' }).click();
    await expect.poll(shownLines).toEqual(['11', '12', '13', '14', '15', '16', '17', '18', '19', '20']);
    expect(await roles.getByRole('status').textContent()).toBe('11–20 of 25');

    const json = page.locator('tbody[data-code=INVALID_JSON]');
    await expect.poll(() => json.locator('.issue-excerpt').allTextContents()).toEqual(['{"messages": [{"role": "user"', 'not json at all', '{"a": 1']);
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(shownLines).toEqual([]);
    await toggle.click();
    await expect.poll(async () => (await shownLines()).length).toBe(10);
    await screenshot('dataset-errors');
  });

  it('downloads every issue as CSV', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('Broken-chats-issues.csv');
    const rows = fs
      .readFileSync((await download.path())!, 'utf8')
      .split('\r\n')
      .filter(Boolean);
    expect(rows[0]).toBe('line,severity,code,path,message,excerpt');
    expect(rows).toHaveLength(1 + 28);
    expect(rows[27]).toMatch(/^27,ERROR,INVALID_JSON,\$,.*,not json at all$/);
  });

  it('re-checks a BrightRun v4 file declared as chat in one click, and it becomes ready', async () => {
    const v4 = Array.from({ length: 15 }, (_, i) =>
      JSON.stringify({ conversation_id: `c${i}`, turn: 1, conversation_history: [], current_user_input: `Question ${i}?`, target_response: `Answer ${i}.` }),
    );
    const id = await uploaded(token, 'Export from BrightRun', Buffer.from(`${v4.join('\n')}\n`));
    await page.goto(`${stack.url}/datasets/${id}`);
    await page.getByText('This file looks like BrightRun LoRA v4').waitFor();
    await expectNoA11yViolations(page, 'dataset in the other format');
    await page.getByRole('button', { name: 'Re-check as BrightRun LoRA v4' }).click();
    await page.getByText('Every line is valid').waitFor({ timeout: 60_000 });
    expect(await page.locator('.page-subtitle').textContent()).toContain('BrightRun LoRA v4');
    expect(await page.getByRole('button', { name: /Re-check as/ }).count()).toBe(0);
  });
});
