// Settings → Webhooks in a real browser: add an endpoint pointing at a local receiver (the secret is shown once),
// send a test event, and see its attempt appear live (webhookDeliveryUpdated), then redeliver it. The receiver
// verifies the request with the secret the page showed, through the reference library.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { screenshotDir, startStack, type Stack } from './stack.js';

let stack: Stack;
let page: Page;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  stack = await startStack({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
  page = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (err) => console.error('page error:', err));
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

it('creates an endpoint, sends a test event and sees the attempt; redeliver sends it again', async () => {
  receiver.answer('/ci', () => ({ status: 200, body: 'thanks from CI' }));
  await page.goto(`${stack.url}/settings`);
  await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
  await page.getByText('No webhook endpoints yet').waitFor();

  await page.getByLabel('Endpoint URL').fill(`${receiver.url}/ci`);
  await page.getByLabel('Description').fill('CI pipeline');
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const secret = (await page.locator('code.secret').textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  const endpoint = page.getByRole('listitem', { name: `Endpoint ${receiver.url}/ci` });
  await endpoint.waitFor();
  await endpoint.getByText('Enabled').waitFor();

  await endpoint.getByRole('button', { name: 'Send test event' }).click();
  // The attempt shows without a reload: status, time and the receiver's answer.
  await endpoint.locator('.attempt', { hasText: '200 in' }).waitFor({ timeout: 15_000 });
  await endpoint.getByText('thanks from CI').waitFor();
  await endpoint.getByText('Delivered').waitFor();
  const [request] = receiver.received('/ci');
  expect((new Webhook(secret).verify(request!.body, request!.headers) as { type: string }).type).toBe('webhook.test');

  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshotDir, 'settings-webhooks.png'), fullPage: true, animations: 'disabled' });

  await endpoint.getByRole('button', { name: 'Redeliver' }).click();
  await expect.poll(() => endpoint.locator('.attempt').count(), { timeout: 15_000 }).toBe(2);
  const ids = receiver.received('/ci').map((r) => r.headers['webhook-id']);
  expect(ids).toHaveLength(2);
  expect(ids[0]).toBe(ids[1]);

  // The server's refusal shows on the field it names.
  await page.getByLabel('Endpoint URL').fill('ftp://example.com/x');
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await page.getByText('must be an http or https URL').waitFor();
}, 180_000);
