// What a newcomer meets in the first minutes: formats by their names, not their API values; a mistyped
// link and an unknown address answered by a "not found" page with its heading, never the API's words.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoA11yViolations } from './a11y.js';
import { validDataset } from './files.js';
import { screenshotDir, startStack, type Stack } from './stack.js';

let stack: Stack;
let page: Page;

beforeAll(async () => {
  stack = await startStack();
  page = await stack.browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (err) => console.error('page error:', err));
});

afterAll(async () => {
  await stack?.stop();
});

describe('the first minutes', () => {
  it('names the dataset formats as the format picker does in validation messages', async () => {
    const brightrunLine = JSON.stringify({ system_prompt: 'Be brief.', conversation_history: [], user_input: 'Hi', target_response: 'Hello.' });
    const file = Buffer.concat([validDataset(5), Buffer.from(`${brightrunLine}\n`)]);
    await page.goto(`${stack.url}/datasets/new`);
    await page.locator('input[type=file]').setInputFiles({ name: 'mixed.jsonl', mimeType: '', buffer: file });
    await page.getByRole('button', { name: 'Upload and validate' }).click();
    const issue = page.getByText(/This line looks like/).first();
    await issue.waitFor({ timeout: 60_000 });
    expect(await issue.textContent()).toContain('looks like BrightRun LoRA v4');
    expect(await page.locator('body').textContent()).not.toContain('BRIGHTRUN_LORA_V4');
    await expectNoA11yViolations(page, 'the upload page with a format hint');
  });

  it('says once, in words, that an empty file is empty', async () => {
    await page.goto(`${stack.url}/datasets/new`);
    await page.locator('input[type=file]').setInputFiles({ name: 'empty.jsonl', mimeType: '', buffer: Buffer.alloc(0) });
    await page.getByRole('button', { name: 'Upload and validate' }).click();
    await page.getByText('empty.jsonl is empty').waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text.match(/is empty/g)).toHaveLength(1);
    expect(text).not.toContain('fileSize');
    await expectNoA11yViolations(page, 'the upload page with an empty file');
  });

  for (const [route, heading] of [
    ['/training/jobs/nope', 'Training job not found'],
    ['/models/nope', 'Model not found'],
    ['/datasets/nope', 'Dataset not found'],
    ['/no/such/page', 'There is nothing at this address'],
  ] as const) {
    it(`answers ${route} with a not-found page and its heading`, async () => {
      await page.goto(`${stack.url}${route}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      const text = await page.locator('main').textContent();
      expect(text).not.toMatch(/Invalid global ID|Try again/);
      await expectNoA11yViolations(page, route);
      if (route === '/training/jobs/nope') {
        fs.mkdirSync(screenshotDir, { recursive: true });
        await page.screenshot({ path: path.join(screenshotDir, 'not-found.png'), animations: 'disabled' });
      }
    });
  }
});
