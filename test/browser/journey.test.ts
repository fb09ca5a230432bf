// The user's journey in a real browser on embedded defaults: upload a dataset through the page (progress
// bar, READY live) and see its statistics; upload a broken file and see its errors by line; configure a run
// from a preset with its estimate, start it and watch the monitor grow without reloading or polling; open
// the stored model and download a file; see the cost, and the notifications in the inbox.
import fs from 'node:fs';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoA11yViolations } from './a11y.js';
import { BROKEN_LINES, brokenDataset, validDataset } from './files.js';
import { setGpuFaults, screenshot as takeScreenshot, screenshotDir, startStack, type Stack } from './stack.js';

let stack: Stack;
let page: Page;

const screenshot = (name: string) => takeScreenshot(page, name);

/**
 * Tabs through the page and fails on any stop without a visible focus indicator (WCAG 2.4.7): its outline or
 * box-shadow must show and differ from the same element once focus has moved on. A visually hidden input (a
 * radio in a card, the file input in the drop zone) shows its focus on the card or zone around it.
 */
async function expectVisibleFocus() {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
  const stops: { key: string; name: string; visible: boolean; focused: unknown }[] = [];
  // Each step reads the element Tab reached, then how the one it left looks now.
  const step = () =>
    page.evaluate(() => {
      type Indicator = { outline: string; shadow: string };
      const state = window as unknown as { focusCheck?: { shown: Element; focused: Indicator; key: string; name: string } };
      const indicator = (element: Element): Indicator => {
        const style = getComputedStyle(element);
        const outline = style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0 ? 'none' : `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`;
        return { outline, shadow: style.boxShadow };
      };
      const left = state.focusCheck;
      const leftStop = left && {
        key: left.key,
        name: left.name,
        focused: left.focused,
        visible: (left.focused.outline !== 'none' || left.focused.shadow !== 'none') && JSON.stringify(left.focused) !== JSON.stringify(indicator(left.shown)),
      };
      const element = document.activeElement as HTMLElement | null;
      state.focusCheck = undefined;
      if (element && element !== document.body) {
        const shown = element.matches('.visually-hidden') ? (element.closest('.choice-card, .dropzone') ?? element) : element;
        const name = `${element.tagName.toLowerCase()} "${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40)}"`;
        state.focusCheck = { shown, focused: indicator(shown), name, key: `${name}@${Math.round(element.getBoundingClientRect().top + window.scrollY)}` };
      }
      return { left: leftStop, reached: state.focusCheck?.key ?? null };
    });
  const seen = new Set<string>();
  for (let tab = 0; tab < 100; tab++) {
    await page.keyboard.press('Tab');
    const { left, reached } = await step();
    if (left) stops.push(left);
    // Past the last stop focus rests on the page, then starts again from the top: one full round.
    if (reached && seen.has(reached)) break;
    if (reached) seen.add(reached);
  }
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
  const { left } = await step();
  if (left) stops.push(left);
  expect(stops.length, `Tab reached too few stops on ${page.url()}`).toBeGreaterThan(3);
  expect(
    stops.filter((s) => !s.visible).map((s) => `${s.name}: ${JSON.stringify(s.focused)}`),
    `focus not visible on ${page.url()}`,
  ).toEqual([]);
}

/** Slows uploads down so the progress bar has something to show (a local upload is otherwise instant). */
async function throttleUploads(bytesPerSecond: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  return async () => {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.detach();
  };
}

/**
 * Waits for a heading; when it never shows, says what the page showed instead and what the server logged (a
 * fresh-clone CI run once timed out here, on the first page of the run, and passed when run again).
 */
async function seeHeading(name: string) {
  try {
    await page.getByRole('heading', { name }).waitFor();
  } catch (err) {
    const shown =
      (await page
        .locator('body')
        .textContent()
        .catch(() => null)) ?? '(unreadable)';
    throw new Error(`No heading "${name}" on ${page.url()}. The page showed:\n${shown.slice(0, 1000)}\nThe server logged:\n${stack.log().slice(-3000)}`, { cause: err });
  }
}

const progressOf = (label: string) => () => page.getByRole('progressbar', { name: label }).first().getAttribute('aria-valuenow').then(Number);

beforeAll(async () => {
  // Fast enough for the whole run to finish in half a minute, slow enough to watch it.
  stack = await startStack({ SIMULATED_GPU_SPEED: '8' });
  page = await stack.browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (err) => console.error('page error:', err));
});

afterAll(async () => {
  await stack?.stop();
});

describe('the journey in a browser', () => {
  let datasetId = '';

  it('uploads a valid file with a progress bar and sees it turn READY live', async () => {
    await page.goto(`${stack.url}/datasets`);
    await seeHeading('No datasets yet');
    await expectNoA11yViolations(page, 'the empty datasets list');

    await page.getByRole('link', { name: 'Upload dataset' }).click();
    await page.getByRole('heading', { name: 'Upload a dataset' }).waitFor();
    const file = validDataset(2500);
    await page.locator('input[type=file]').setInputFiles({ name: 'support-chats.jsonl', mimeType: '', buffer: file });
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('support-chats');

    const unthrottle = await throttleUploads(file.length / 3);
    await page.getByRole('button', { name: 'Upload and validate' }).click();
    // Part-way: the bar moves with the bytes sent.
    await expect.poll(progressOf('Uploading'), { timeout: 10_000 }).toBeGreaterThan(15);
    expect(await progressOf('Uploading')()).toBeLessThan(95);
    await screenshot('dataset-upload');
    await expectVisibleFocus();
    await page.getByText('Ready to train').waitFor({ timeout: 60_000 });
    await unthrottle();
    expect(await page.locator('[data-status=READY]').count()).toBeGreaterThan(0);

    await page.getByRole('link', { name: 'View dataset' }).click();
    await page.getByRole('heading', { name: /support-chats/ }).waitFor();
    datasetId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await expect.poll(() => page.locator('.stat', { hasText: 'Examples' }).locator('.stat-value').textContent()).toBe('2,500');
    await page.getByText('Every line is valid').waitFor();
    await page.locator('.chart svg rect').first().waitFor();
    expect(await page.getByRole('link', { name: 'Start training' }).getAttribute('href')).toBe(`/training/configure?datasetId=${encodeURIComponent(datasetId)}`);
    await screenshot('dataset-detail');
    await expectVisibleFocus();
  });

  it('uploads a broken file and sees every error with its line number', async () => {
    await page.goto(`${stack.url}/datasets/new`);
    await page.locator('input[type=file]').setInputFiles({ name: 'broken.jsonl', mimeType: '', buffer: brokenDataset() });
    await page.getByRole('button', { name: 'Upload and validate' }).click();
    await page.getByText(/4 errors found/).waitFor({ timeout: 60_000 });
    await expectNoA11yViolations(page, 'the upload page with errors');
    await page.getByRole('link', { name: 'See every error' }).click();

    const table = page.locator('table.issue-table');
    await table.waitFor();
    // Four codes: every group starts open, each with its one line.
    for (const [code, line] of Object.entries(BROKEN_LINES)) {
      const lines = table.locator(`tbody[data-code=${code}] tr.issue-row td[data-label=Line]`);
      await expect.poll(() => lines.allTextContents()).toEqual([String(line)]);
    }
    // docs/screenshots/dataset-errors.png comes from model-page.test.ts, with groups that page.
    await expectVisibleFocus();
  });

  it('lists both datasets and filters them by status', async () => {
    await page.goto(`${stack.url}/datasets`);
    const rows = page.locator('table tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await screenshot('datasets');
    await expectVisibleFocus();
    await page.keyboard.press('Tab'); // from the page: the next focus is a keyboard one
    await page.getByRole('link', { name: 'Upload dataset' }).focus();
    await page.screenshot({ path: path.join(screenshotDir, 'focus-visible.png'), clip: { x: 0, y: 0, width: 1280, height: 200 } });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());

    await page.getByRole('button', { name: 'Invalid' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('broken');
    await page.getByRole('button', { name: 'All' }).click();
    await expect.poll(() => rows.count()).toBe(2);
  });

  it('configures a run from a preset, sees the estimate follow the inputs, and starts it', async () => {
    await page.goto(`${stack.url}/datasets/${encodeURIComponent(datasetId)}`);
    await page.getByRole('link', { name: 'Start training' }).click();
    await page.getByRole('heading', { name: 'Configure training' }).waitFor();
    const amount = page.locator('.estimate-amount');
    await amount.waitFor();

    const epochs = page.getByRole('textbox', { name: 'Epochs', exact: true });
    // The estimate shows "Updating…" from a keystroke until its answer arrives.
    const settled = async () => {
      await expect.poll(() => page.getByText('Updating…').count()).toBe(0);
      return amount.textContent();
    };
    await page.getByText('Fast', { exact: true }).click();
    expect(await epochs.inputValue()).toBe('1');
    const fast = await settled();
    await epochs.fill('2');
    expect(await settled()).not.toBe(fast);
    await epochs.fill('25');
    await page.getByText('Between 1 and 20.').waitFor();
    // No estimate for values no longer on screen: it is hidden until the field is fixed.
    await expect.poll(() => amount.count()).toBe(0);
    expect(await page.locator('.estimate-panel').textContent()).toContain('Fix the values marked in red to see the estimate.');
    await expectNoA11yViolations(page, 'the configure page with an invalid field');
    await epochs.fill('1');
    expect(await settled()).toBe(fast);
    await page.getByLabel('Cost cap in USD (optional)').fill('25');
    await screenshot('training-configure');
    await expectVisibleFocus();
    // Storing the adapter takes a while, as with a real provider: the provider holds it until the monitor has shown that.
    await setGpuFaults(stack, { holdArtifacts: true });

    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL(/\/training\/jobs\/.+/);
  });

  it('watches the run live: progress and the loss curve grow without reloading, and nothing polls', async () => {
    await page.getByRole('button', { name: 'Cancel job' }).waitFor();
    const points = page.locator('.panel', { has: page.getByRole('heading', { name: 'Loss' }) }).locator('.panel-actions');
    const pointCount = async () => Number((await points.textContent())!.replace(/\D/g, ''));
    await expect.poll(pointCount, { timeout: 60_000 }).toBeGreaterThan(20);

    // From here on, everything arrives on the WebSocket: count the HTTP requests the page makes.
    const requests: Request[] = [];
    const track = (request: Request) => request.resourceType() !== 'websocket' && requests.push(request);
    page.on('request', track);
    const before = { points: await pointCount(), progress: await progressOf('Training')() };
    await page.waitForTimeout(10_000);
    page.off('request', track);
    expect(requests.map((r) => `${r.method()} ${r.url()}`)).toEqual([]);
    expect(await pointCount()).toBeGreaterThan(before.points);
    await screenshot('training-monitor');
    await expectVisibleFocus();

    await page.getByText('Training complete', { exact: true }).waitFor({ timeout: 90_000 });
    expect(await page.locator('[data-status=COMPLETED]').count()).toBeGreaterThan(0);
    expect(await progressOf('Finished')()).toBe(100);
    expect(before.progress).toBeLessThan(100);
  });

  it('sees the stored adapter on the monitor live, without reloading', async () => {
    // A reload would clear this mark; the View model button must come over the WebSocket.
    await page.evaluate(() => ((window as { stayed?: boolean }).stayed = true));
    await page.getByText('The adapter is being stored').waitFor();
    await setGpuFaults(stack, {});
    await page.getByRole('link', { name: 'View model' }).waitFor({ timeout: 60_000 });
    await page.getByText('The adapter is stored').waitFor();
    expect(await page.evaluate(() => (window as { stayed?: boolean }).stayed)).toBe(true);
    await expectNoA11yViolations(page, 'the monitor of a completed run');
  });

  it('lists the job with its final cost', async () => {
    await page.getByRole('link', { name: 'Training jobs' }).first().click();
    await page.getByRole('heading', { name: 'Training jobs', exact: true }).waitFor();
    await page.locator('table tbody tr [data-status=COMPLETED]').first().waitFor();
    // The completed row shows the job's final cost as the API has it.
    const row = page.locator('table tbody tr', { has: page.locator('[data-status=COMPLETED]') }).first();
    const href = (await row.getByRole('link').first().getAttribute('href'))!;
    const jobId = decodeURIComponent(href.split('/').pop()!);
    const { trainingJob } = await stack.gql('query($id: ID!) { trainingJob(id: $id) { finalCost } }', { id: jobId }, await stack.token());
    expect(Number(trainingJob.finalCost)).toBeGreaterThan(0);
    const shown = (await row.locator('td[data-label="Cost"]').textContent())!.trim();
    const digits = Number(trainingJob.finalCost) < 1 ? 3 : 2;
    // The cost first, then the estimate it was started with ("$0.028est. $0.459").
    expect(
      shown.startsWith(Number(trainingJob.finalCost).toLocaleString('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: digits })),
    ).toBe(true);
    expect(shown).toMatch(/est\. \$/);
    await screenshot('training-jobs');
    await expectVisibleFocus();
    await page.goBack();
  });

  it('opens the stored model and downloads a file', async () => {
    await page.getByRole('link', { name: 'View model' }).click();
    await page.locator('.stars').first().waitFor();
    await page.locator('[data-status=STORED]').first().waitFor();
    const row = page.locator('tbody tr', { hasText: 'adapter_config.json' });
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: /Download/ }).click()]);
    expect(download.suggestedFilename()).toBe('adapter_config.json');
    const config = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as { peft_type?: string; r?: number };
    expect(config.peft_type).toBe('LORA');
    expect(config.r).toBe(8);
    // docs/screenshots/model-detail.png comes from model-page.test.ts, with the copied checksum and code samples.
    await expectVisibleFocus();
    await page.getByRole('link', { name: 'Models' }).first().click();
    await page.getByRole('heading', { name: 'Models', exact: true }).waitFor();
    await page.locator('table tbody tr [data-status=STORED]').first().waitFor();
    await screenshot('models');
    await expectVisibleFocus();
  });

  it('shows the cost on the costs page', async () => {
    await page.getByRole('link', { name: 'Costs' }).first().click();
    const total = page.locator('.stat', { hasText: 'In this range' }).locator('.stat-value');
    await total.waitFor();
    expect(Number((await total.textContent())!.replace(/[^0-9.]/g, ''))).toBeGreaterThan(0);
    await page.locator('tbody tr', { hasText: 'support-chats · fast' }).waitFor();
    await page.locator('.chart svg rect').first().waitFor();
    await screenshot('costs');
    await expectVisibleFocus();
  });

  it('has the notifications in the inbox, with a live badge, and marks them read', async () => {
    const badge = page.getByTestId('unread-count');
    expect(Number(await badge.textContent())).toBeGreaterThanOrEqual(5);
    await page.getByRole('link', { name: /^Inbox/ }).click();
    await page.getByText('Dataset "support-chats" is ready').waitFor();
    await page.getByText('Dataset "broken" has errors').waitFor();
    await page.getByText(/"support-chats · fast" completed/).waitFor();
    await page.getByText(/is ready to download/).waitFor();
    await screenshot('notifications');
    await expectVisibleFocus();

    const unread = Number(await badge.textContent());
    await page.locator('.inbox-item[data-read=false]').first().getByRole('button', { name: 'Mark read' }).click();
    await expect.poll(async () => Number(await badge.textContent())).toBe(unread - 1);
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await badge.waitFor({ state: 'detached' });
    expect(await page.locator('.inbox-item[data-read=false]').count()).toBe(0);
  });

  it('cancels a run after confirming', async () => {
    await page.goto(`${stack.url}/training/configure?datasetId=${encodeURIComponent(datasetId)}`);
    await page.locator('.estimate-amount').waitFor();
    await page.getByLabel('Job name (optional)').fill('to be cancelled');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByRole('heading', { name: /to be cancelled/ }).waitFor();
    await page.getByRole('button', { name: 'Cancel job' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this training job?' });
    await dialog.waitFor();
    await expectNoA11yViolations(page, 'the cancel dialog');
    // Tab and Shift+Tab go round the dialog's buttons and never leave it.
    for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      expect(await dialog.evaluate((element) => element.contains(document.activeElement)), key).toBe(true);
    }
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await dialog.getByRole('button', { name: 'Cancel job' }).click();
    await page.locator('h1 [data-status=CANCELLED]').waitFor({ timeout: 60_000 });
    await expectNoA11yViolations(page, 'the monitor of a cancelled run');
  });

  it('stops a run at its cost cap and says so on the monitor, in the list and in the inbox', async () => {
    await page.goto(`${stack.url}/training/configure?datasetId=${encodeURIComponent(datasetId)}`);
    await page.locator('.estimate-amount').waitFor();
    await page.getByLabel('Job name (optional)').fill('capped run');
    // A100-80GB at $3.50 an hour: the cap is reached after about 3 s of a run that takes far longer.
    await page.getByLabel('Cost cap in USD (optional)').fill('0.003');
    await page.getByText('The cap is below the estimate').waitFor();
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByRole('heading', { name: /capped run/ }).waitFor();
    await page.locator('h1 [data-status=CANCELLED]', { hasText: 'Stopped at cost cap' }).waitFor({ timeout: 60_000 });
    await page.getByText('The job reached its cap of $0.003 and was stopped.').waitFor();
    await expectNoA11yViolations(page, 'the monitor of a run stopped at its cost cap');

    await page.getByRole('link', { name: 'Training jobs' }).first().click();
    await page
      .getByRole('row', { name: /capped run/ })
      .locator('[data-status=CANCELLED]', { hasText: 'Stopped at cost cap' })
      .waitFor();
    await page.getByRole('link', { name: /^Inbox/ }).click();
    // Money in the inbox reads as money, never "0.003000 USD".
    const capped = page.locator('.inbox-item', { hasText: '"capped run" reached its cost cap' });
    await capped.waitFor();
    expect(await capped.textContent()).toMatch(/It has cost \$0\.0\d+ of its \$0\.003 cap and is being stopped\./);
    await expectNoA11yViolations(page, 'the inbox with a cost cap notice');
  });

  it('creates an API key, shown once, and revokes it', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('New key name').fill('CI pipeline');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText('copy it now, it will not be shown again').waitFor();
    const row = page.locator('tbody tr', { hasText: 'CI pipeline' });
    await row.waitFor();
    await screenshot('settings');
    await expectVisibleFocus();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText('Revoked').waitFor();
  });

  it('reads well on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.url}/datasets`);
    await page.locator('table tbody tr').first().waitFor();
    await screenshot('mobile-datasets');
    await page.goto(`${stack.url}/training/jobs`);
    await page
      .locator('table tbody tr', { has: page.locator('[data-status=COMPLETED]') })
      .getByRole('link')
      .click();
    await page.locator('.chart svg').first().waitFor();
    await screenshot('mobile-training-monitor');
    for (const [route, heading] of [
      [`/datasets/${encodeURIComponent(datasetId)}`, 'support-chats'],
      ['/datasets/new', 'Upload a dataset'],
      ['/training/jobs', 'Training jobs'],
      ['/models', 'Models'],
      ['/costs', 'Costs'],
      ['/notifications', 'Notifications'],
      ['/settings', 'Settings'],
      ['/no/such/page', 'There is nothing at this address'],
    ] as const) {
      await page.goto(`${stack.url}${route}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      await expectNoA11yViolations(page, route);
    }
  });

  it('shows the estimate on a phone without scrolling past the form, and keeps it in view while editing', async () => {
    await page.goto(`${stack.url}/training/configure?datasetId=${encodeURIComponent(datasetId)}`);
    const bar = page.locator('.estimate-bar');
    const barAmount = bar.locator('.estimate-bar-amount');
    await barAmount.waitFor();
    const inView = async () => {
      const box = (await bar.boundingBox())!;
      return box.y >= 0 && box.y + box.height <= 844;
    };
    // At the top of the page: the summary is on screen while the form (its Start button) is still far below.
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(await inView()).toBe(true);
    const start = (await page.getByRole('button', { name: 'Start training' }).boundingBox())!;
    expect(start.y).toBeGreaterThan(844);
    await expect.poll(() => page.getByText('Updating…').count()).toBe(0);
    expect(await barAmount.textContent()).toBe(await page.locator('.estimate-amount').textContent());
    // What the phone shows, not the whole page: the summary sits at the bottom of the screen.
    await page.screenshot({ path: path.join(screenshotDir, 'mobile-training-configure.png'), animations: 'disabled' });
    await expectNoA11yViolations(page, 'the configure page on a phone');

    // Editing a field halfway down: the summary follows it and stays on screen.
    const epochs = page.getByRole('textbox', { name: 'Epochs', exact: true });
    await epochs.scrollIntoViewIfNeeded();
    const before = await barAmount.textContent();
    await epochs.fill('7');
    await expect.poll(() => barAmount.textContent()).not.toBe(before);
    expect(await inView()).toBe(true);
    await epochs.fill('70');
    await expect.poll(() => bar.textContent()).toBe('Fix the values marked in red to see the estimate.');
    expect(await barAmount.count()).toBe(0);
    await expectNoA11yViolations(page, 'the configure page on a phone with an invalid field');
    await page.setViewportSize({ width: 1280, height: 860 });
  });
});
