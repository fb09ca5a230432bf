// Lists that others add to: with the datasets list or the jobs list open, a dataset or job made by a tool with an
// API key shows up in it within a second, with no reload and no refetch timer (myListsChanged).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { ofType } from '../helpers/graphql-client.js';
import { expectNoA11yViolations } from './a11y.js';
import { validDataset } from './files.js';
import { startStack, type Stack } from './stack.js';

let stack: Stack;
let page: Page;
let apiKey: string;

const CREATE_API_KEY = graphql(`
  mutation BrowserListsApiKey { createApiKey(input: { name: "a tool" }) { __typename ... on CreateApiKeyPayload { secret } } }
`);
const CREATE_DATASET = graphql(`
  mutation BrowserListsCreateDataset($input: CreateDatasetInput!) {
    createDataset(input: $input) { __typename ... on CreateDatasetPayload { dataset { id } upload { url method headers } } }
  }
`);
const CONFIRM_UPLOAD = graphql(`mutation BrowserListsConfirm($id: ID!) { confirmDatasetUpload(id: $id) { __typename } }`);
const CREATE_JOB = graphql(`
  mutation BrowserListsCreateJob($input: CreateTrainingJobInput!) { createTrainingJob(input: $input) { __typename } }
`);

beforeAll(async () => {
  stack = await startStack();
  page = await stack.browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (err) => console.error('page error:', err));
  const token = await stack.token();
  apiKey = ofType((await stack.gql(CREATE_API_KEY, {}, token)).createApiKey, 'CreateApiKeyPayload').secret;
});

afterAll(async () => {
  await stack?.stop();
});

/** Waits for the text in the open list, and says how long it took. */
async function appears(text: string, timeout: number): Promise<number> {
  const start = Date.now();
  await page.getByRole('link', { name: text }).first().waitFor({ timeout });
  return Date.now() - start;
}

describe('an open list', () => {
  let datasetId: string;

  it('gains a dataset created with an API key within a second', async () => {
    await page.goto(`${stack.url}/datasets`);
    await page.getByRole('heading', { level: 1, name: 'Datasets' }).waitFor();
    await page.waitForTimeout(500); // the list's subscription is up
    const file = validDataset(30);
    const created = await stack.gql(CREATE_DATASET, { input: { name: 'Made by a tool', fileName: 'tool.jsonl', fileSize: file.length, contentType: 'application/jsonl' } }, apiKey);
    expect(await appears('Made by a tool', 1000)).toBeLessThan(1000);
    const { dataset, upload } = ofType(created.createDataset, 'CreateDatasetPayload');
    datasetId = dataset.id;
    const { url, method, headers } = upload!;
    expect((await fetch(url, { method, headers: headers as Record<string, string>, body: new Uint8Array(file) })).ok).toBe(true);
    await stack.gql(CONFIRM_UPLOAD, { id: datasetId }, apiKey);
    // Its status moves on in the list too.
    await page
      .getByRole('row', { name: /Made by a tool/ })
      .getByText('Ready')
      .waitFor({ timeout: 60_000 });
    await expectNoA11yViolations(page, 'the datasets list after a live change');
  }, 120_000);

  it('gains a job created with an API key within a second, and keeps it after navigating away and back', async () => {
    await page.getByRole('link', { name: 'Training', exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Training jobs' }).waitFor();
    await page.waitForTimeout(500);
    await stack.gql(CREATE_JOB, { input: { datasetId, name: 'Started by a tool', presetId: 'fast', gpu: { type: 'A100-80GB', count: 1 } } }, apiKey);
    expect(await appears('Started by a tool', 1000)).toBeLessThan(1000);
    await page.getByRole('link', { name: 'Datasets', exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Datasets' }).waitFor();
    await page.getByRole('link', { name: 'Training', exact: true }).first().click();
    await appears('Started by a tool', 5000);
    await expectNoA11yViolations(page, 'the jobs list after a live change');
  }, 120_000);
});
