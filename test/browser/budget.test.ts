// The monthly budget in the browser: after a run has cost something, the user sets a budget with a hard stop
// below it on the Costs page, sees the 50/80/100 % alerts (on the page and as notifications), and the
// configure page shows the next job would cross it; starting it is refused with the amounts.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validDataset } from './files.js';
import { screenshotDir, startStack, type Stack } from './stack.js';

let stack: Stack;
let page: Page;
let datasetId: string;

async function screenshot(name: string) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true, animations: 'disabled' });
}

beforeAll(async () => {
  stack = await startStack();
  page = await stack.browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (err) => console.error('page error:', err));
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a monthly budget', () => {
  it('runs a small job first, so the month has cost something', async () => {
    await page.goto(`${stack.url}/datasets/new`);
    await page.locator('input[type=file]').setInputFiles({ name: 'budget-chats.jsonl', mimeType: '', buffer: validDataset(40) });
    await page.getByRole('button', { name: 'Upload and validate' }).click();
    await page.getByText('Ready to train').waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'View dataset' }).click();
    await page.getByRole('heading', { name: /budget-chats/ }).waitFor();
    datasetId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.goto(`${stack.url}/training/configure?datasetId=${encodeURIComponent(datasetId)}`);
    await page.locator('.estimate-amount').waitFor();
    // No budget yet: nothing about one beside the estimate.
    expect(await page.locator('.budget-left').count()).toBe(0);
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL(/\/training\/jobs\/.+/);
    await page.getByText('Training complete').waitFor({ timeout: 90_000 });
  });

  it('is set on the Costs page below what the month cost, and every alert shows at once', async () => {
    await page.goto(`${stack.url}/costs`);
    await page.getByRole('heading', { name: 'Monthly budget' }).waitFor();
    await page.getByText('No budget.').waitFor();
    // A bad amount is named at its field.
    await page.getByLabel('Budget per month (USD)').fill('-3');
    await page.getByRole('button', { name: 'Set budget' }).click();
    await page.getByText(/must be a positive amount/).waitFor();
    await page.getByLabel('Budget per month (USD)').fill('0.0005');
    await page.getByLabel(/Hard stop/).check();
    await page.getByRole('button', { name: 'Set budget' }).click();
    const thresholds = page.getByRole('list', { name: 'Alert thresholds' });
    await expect.poll(() => thresholds.locator('li.reached').count(), { timeout: 10_000 }).toBe(3);
    expect(await thresholds.textContent()).toContain('100% at');
    await page.getByText('Hard stop on').waitFor();
    expect(await page.getByRole('button', { name: 'Update budget' }).count()).toBe(1);
    await screenshot('costs-budget');

    await page.goto(`${stack.url}/notifications`);
    await page.getByText(/Monthly budget reached/).first().waitFor();
    for (const percent of [50, 80]) await page.getByText(`${percent} % of the monthly budget spent`, { exact: false }).first().waitFor();
  });

  it('makes the configure page warn, and refuses the next job with the amounts', async () => {
    await page.goto(`${stack.url}/training/configure?datasetId=${encodeURIComponent(datasetId)}`);
    await page.locator('.estimate-amount').waitFor();
    await page.getByText('Over the monthly budget: it will be refused').waitFor();
    expect(await page.getByText(/This job would leave -\$/).count()).toBe(1);
    await page.getByRole('button', { name: 'Start training' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Not started' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/This job could cost [\d.]+ USD, and nothing is left of your 0\.0005 USD budget/);
    expect(new URL(page.url()).pathname).toBe('/training/configure');
    await screenshot('training-configure-budget');
  });
});
