// The monthly budget in the browser: the user sets a budget on the Costs page, a running job carries the month
// past it and every alert shows (on the page and as notifications); turning the hard stop on stops the job, whose
// page says why; and the configure page shows the next job would cross it, and starting it is refused.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validDataset } from './files.js';
import { screenshot as takeScreenshot, startStack, type Stack } from './stack.js';

let stack: Stack;
let page: Page;
let datasetId: string;

const screenshot = (name: string) => takeScreenshot(page, name);

beforeAll(async () => {
  // As slow as npm start's demo (a run takes about a minute), so the budget can be changed while a job runs.
  stack = await startStack({ SIMULATED_GPU_SPEED: '5' });
  page = await stack.browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (err) => console.error('page error:', err));
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a monthly budget', () => {
  it('is set on the Costs page (a bad amount is named at its field)', async () => {
    await page.goto(`${stack.url}/datasets/new`);
    await page.locator('input[type=file]').setInputFiles({ name: 'budget-chats.jsonl', mimeType: '', buffer: validDataset(40) });
    await page.getByRole('button', { name: 'Upload and validate' }).click();
    await page.getByText('Ready to train').waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'View dataset' }).click();
    await page.getByRole('heading', { name: /budget-chats/ }).waitFor();
    datasetId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    await page.goto(`${stack.url}/costs`);
    await page.getByRole('heading', { name: 'Monthly budget' }).waitFor();
    await page.getByText('No budget.').waitFor();
    await page.getByLabel('Budget per month (USD)').fill('-3');
    await page.getByRole('button', { name: 'Set budget' }).click();
    await page.getByText(/must be a positive amount/).waitFor();
    // Less than one second of one A100: the first job's first second crosses every threshold.
    await page.getByLabel('Budget per month (USD)').fill('0.0005');
    await page.getByRole('button', { name: 'Set budget' }).click();
    await page.getByText('Hard stop off: alerts only.').waitFor();
    expect(await page.getByRole('list', { name: 'Alert thresholds' }).locator('li.reached').count()).toBe(0);
  });

  it('alerts at 50, 80 and 100 % once a running job crosses them, and its hard stop stops the job', async () => {
    await page.goto(`${stack.url}/training/configure?datasetId=${encodeURIComponent(datasetId)}`);
    await page.locator('.estimate-amount').waitFor();
    // Alerts only: the job is not refused, though the budget is spent.
    await page.getByText('Over the monthly budget', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL(/\/training\/jobs\/.+/);
    const jobPath = new URL(page.url()).pathname;

    // Billing starts once the provider has the job; the next poll sees the month past every threshold.
    await page.getByRole('link', { name: 'Costs' }).click();
    const thresholds = page.getByRole('list', { name: 'Alert thresholds' });
    await expect
      .poll(
        async () => {
          await page.reload();
          await thresholds.waitFor();
          return thresholds.locator('li.reached').count();
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe(3);
    expect(await page.locator('[data-status]').filter({ hasText: 'Completed' }).count()).toBe(0);
    await page.getByLabel(/Hard stop/).check();
    await page.getByRole('button', { name: 'Update budget' }).click();
    await page.getByText('Hard stop on').waitFor();
    await screenshot('costs-budget');

    await page.goto(`${stack.url}${jobPath}`);
    await page.getByText('Monthly budget reached', { exact: true }).waitFor();
    await page.locator('[data-status=CANCELLED]', { hasText: 'Stopped at monthly budget' }).waitFor({ timeout: 60_000 });
    await screenshot('training-monitor-budget');

    await page.goto(`${stack.url}/notifications`);
    await page
      .getByText(/Monthly budget reached \(/)
      .first()
      .waitFor();
    for (const percent of [50, 80]) await page.getByText(`${percent} % of the monthly budget spent`).first().waitFor();
    await page
      .getByText(/stopped at the monthly budget/)
      .first()
      .waitFor();
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
