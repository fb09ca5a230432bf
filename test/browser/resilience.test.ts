// The web client recovers on its own or with one click: a monitor whose connection dropped while the adapter
// was being stored still shows "View model" once it is stored, with no reload; a page whose code failed to
// load shows a message with Retry instead of a blank page, and renders once the code can be fetched again.
import fs from 'node:fs';
import path from 'node:path';
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoA11yViolations } from './a11y.js';
import { validDataset } from './files.js';
import { screenshotDir, setGpuFaults, startStack, type Stack } from './stack.js';

let stack: Stack;
let page: Page;

/** WebSockets to /graphql go through here, so a test can drop them and refuse new ones for a while. */
const sockets = new Set<WebSocketRoute>();
let refuseSockets = false;

/** The job's artifact status as the API has it now, asked over HTTP from the page. */
function artifactStatus(jobId: string): Promise<string | null> {
  return page.evaluate(async (id) => {
    const { token } = (await (await fetch('/auth/local')).json()) as { token: string };
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'query ($id: ID!) { trainingJob(id: $id) { artifact { status } } }', variables: { id } }),
    });
    const body = (await res.json()) as { data?: { trainingJob?: { artifact?: { status: string } | null } | null } };
    return body.data?.trainingJob?.artifact?.status ?? null;
  }, jobId);
}

beforeAll(async () => {
  stack = await startStack({ SIMULATED_GPU_SPEED: '50' });
  page = await stack.browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (err) => console.error('page error:', err));
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    // 1012 (service restart): graphql-ws reconnects after it, as it would after a deploy.
    if (refuseSockets) return void ws.close({ code: 1012, reason: 'refused by the test' });
    ws.connectToServer();
    sockets.add(ws);
    ws.onClose(() => sockets.delete(ws));
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('the web client recovers', () => {
  it('shows View model on the monitor once the adapter is stored, though the connection dropped meanwhile', async () => {
    await page.goto(`${stack.url}/datasets/new`);
    await page.locator('input[type=file]').setInputFiles({ name: 'chats.jsonl', mimeType: '', buffer: validDataset(300) });
    await page.getByRole('button', { name: 'Upload and validate' }).click();
    await page.getByText('Ready to train').waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'Start training' }).click();
    await page.getByText('Fast', { exact: true }).click();
    await expect.poll(() => page.getByText('Updating…').count()).toBe(0);
    // Each adapter file takes 3 s to copy: long enough to lose the connection while it is stored.
    await setGpuFaults(stack, { artifactDelayMs: 3000 });
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL(/\/training\/jobs\/.+/);
    const jobId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    await page.getByText('The adapter is being stored').waitFor({ timeout: 90_000 });
    await page.evaluate(() => ((window as { stayed?: boolean }).stayed = true));
    // The connection drops and stays down until the adapter is stored: ARTIFACT_READY is pushed to nobody.
    refuseSockets = true;
    for (const ws of sockets) await ws.close({ code: 1012, reason: 'dropped by the test' });
    await page.getByText('Reconnecting…').waitFor();
    await expectNoA11yViolations(page, 'the monitor while reconnecting');
    await expect.poll(() => artifactStatus(jobId), { timeout: 60_000, interval: 500 }).toBe('STORED');
    refuseSockets = false;
    await page.getByText('Live', { exact: true }).waitFor({ timeout: 30_000 });

    await page.getByRole('link', { name: 'View model' }).waitFor({ timeout: 15_000 });
    await page.getByText('The adapter is stored').waitFor();
    expect(await page.evaluate(() => (window as { stayed?: boolean }).stayed)).toBe(true);
    await page.getByRole('link', { name: 'View model' }).click();
    await page.waitForURL(/\/models\/.+/);
    await page.locator('[data-status=STORED]').first().waitFor();
    await setGpuFaults(stack, {});
  });

  it('offers Retry when a page fails to load, and renders it once the server answers again', async () => {
    await page.goto(`${stack.url}/datasets`);
    await page.getByRole('heading', { name: 'Datasets', exact: true }).waitFor();
    // The settings page's code is not fetched yet: make its request fail, as while the server restarts.
    const chunk = /\/assets\/SettingsPage-[^/]+\.js$/;
    await page.route(chunk, (route) => route.abort('connectionrefused'));
    await page.getByRole('link', { name: 'Settings' }).click();
    const message = page.getByRole('alert').filter({ hasText: 'This page could not be loaded' });
    await message.waitFor();
    fs.mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, 'page-load-failed.png'), animations: 'disabled' });
    await expectNoA11yViolations(page, 'a page that failed to load');
    // The frame stays usable around the message.
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);

    await page.unroute(chunk);
    await message.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
    expect(await message.count()).toBe(0);
  });
});
