// Every HTTP request has an id, echoed in X-Request-Id and carried by each log
// line logged while serving it, including one access line; queue jobs log with
// their queue, pg-boss id and the dataset or training job they work on.
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { graphql } from '../../gql/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { chatExample, jsonl, uploadDataset } from '../../helpers/datasets.js';
import { createUser, type TestUser } from '../../helpers/factories.js';

let t: TestApp;
let user: TestUser;
let stdout: MockInstance;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  // The app logs JSON lines to stdout: keep them here instead.
  stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (line.startsWith('{')) lines.push(JSON.parse(line));
    }
    return true;
  });
  t = await startTestApp({ LOG_LEVEL: 'debug' });
  user = await createUser(t);
});
afterAll(async () => {
  await t?.stop();
  stdout?.mockRestore();
});

// Sent with fetch, not the test client: these tests read the response's headers.
const ME = graphql(`
  query RequestLogsMe {
    me { id }
  }
`);

const post = (headers: Record<string, string>) =>
  fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, ...headers },
    body: JSON.stringify({ query: print(ME) }),
  });

describe('request ids', () => {
  it("keeps the caller's X-Request-Id, echoes it, and logs every line of the request under it", async () => {
    const id = `test-${Date.now()}`;
    const res = await post({ 'x-request-id': id });
    expect(res.headers.get('x-request-id')).toBe(id);
    await expect
      .poll(() => lines.find((l) => l.msg === 'request' && l.requestId === id))
      .toMatchObject({ level: 'info', method: 'POST', path: '/graphql', route: 'graphql', status: 200 });
    // Yoga's own lines, logged while it served the request, carry the id too.
    expect(lines.filter((l) => l.requestId === id && l.msg !== 'request').length).toBeGreaterThan(0);
  });

  it('replaces an id that does not look like one, and makes one when none is sent', async () => {
    for (const given of ['has spaces in it', 'x'.repeat(200), '']) {
      const returned = (await post(given ? { 'x-request-id': given } : {})).headers.get('x-request-id');
      expect(returned).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('sends the id on every route and logs probes at debug', async () => {
    const res = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'probe-1' } });
    expect(res.headers.get('x-request-id')).toBe('probe-1');
    expect((await fetch(`${t.url}/no/such/page.js`)).headers.get('x-request-id')).toBeTruthy();
    await expect.poll(() => lines.find((l) => l.requestId === 'probe-1' && l.msg === 'request')).toMatchObject({ level: 'debug', route: 'health' });
    // The path only: query strings carry signatures and whole documents.
    await fetch(`${t.url}/graphql?query=%7B__typename%7D&secret=1`, { headers: { 'x-request-id': 'query-string-1', 'x-graphql-yoga-csrf': '1' } });
    await expect.poll(() => lines.find((l) => l.requestId === 'query-string-1' && l.msg === 'request')?.path).toBe('/graphql');
  });
});

describe('job logs', () => {
  it('carry the queue, the pg-boss job id and the dataset the job validates', async () => {
    const globalId = await uploadDataset(t, user.token, jsonl(Array.from({ length: 12 }, (_, i) => chatExample(i + 1))));
    const datasetId = Buffer.from(globalId, 'base64').toString().split(':')[1];
    const line = await vi.waitFor(
      () => {
        const found = lines.find((l) => l.msg === 'dataset validated' && l.datasetId === datasetId);
        if (!found) throw new Error('not logged yet');
        return found;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(line).toMatchObject({ queue: 'dataset-validate', queueJobId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(line.requestId).toBeUndefined();
  });
});
