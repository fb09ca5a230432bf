// GET /metrics: Prometheus text with request latency by route kind, GraphQL
// operations by type, queue depth, live graphql-ws connections and
// subscriptions, ingested points and process metrics; behind METRICS_TOKEN
// when one is set.
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../gql/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';
import { scrape } from '../../helpers/metrics.js';

const ME = graphql(`query MetricsMe { me { id } }`);
const UNREAD = graphql(`query MetricsUnread { unreadNotificationCount }`);
const MARK_ALL = graphql(`mutation MetricsMarkAll { markAllNotificationsRead { count } }`);
const ADDED = graphql(`subscription MetricsAdded { notificationAdded { id } }`);

let t: TestApp;
let guarded: TestApp;
let user: TestUser;
const TOKEN = 'metrics-token-for-tests-0123456789';

beforeAll(async () => {
  [t, guarded] = await Promise.all([startTestApp(), startTestApp({ METRICS_TOKEN: TOKEN })]);
  user = await createUser(t);
});
afterAll(() => Promise.all([t?.stop(), guarded?.stop()]));

describe('/metrics', () => {
  it('counts HTTP requests by route kind and status', async () => {
    await fetch(`${t.url}/healthz`);
    await t.gql(ME, {}, user.token);
    await fetch(`${t.url}/webhooks/gpu/nowhere`, { method: 'POST' });
    const samples = await scrape(t);
    expect(samples.get('brightrun_http_request_duration_seconds_count{route="health",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(samples.get('brightrun_http_request_duration_seconds_count{route="graphql",status="200"}')).toBeGreaterThanOrEqual(2);
    expect(samples.get('brightrun_http_request_duration_seconds_bucket{le="+Inf",route="graphql",status="200"}')).toBe(
      samples.get('brightrun_http_request_duration_seconds_count{route="graphql",status="200"}'),
    );
    expect([...samples.keys()].some((k) => k.startsWith('brightrun_http_request_duration_seconds_count{route="webhook"'))).toBe(true);
  });

  it('counts GraphQL operations by type', async () => {
    const before = await scrape(t);
    await t.gql(UNREAD, {}, user.token);
    await t.gql(MARK_ALL, {}, user.token);
    const after = await scrape(t);
    const delta = (type: string) =>
      (after.get(`brightrun_graphql_operations_total{type="${type}"}`) ?? 0) - (before.get(`brightrun_graphql_operations_total{type="${type}"}`) ?? 0);
    expect([delta('query'), delta('mutation')]).toEqual([1, 1]);
  });

  it('shows live graphql-ws connections and subscriptions, read when scraped', async () => {
    const client = t.ws(user.token);
    const received = new Promise<void>((resolve) => client.on('connected', () => resolve()));
    const unsubscribe = client.subscribe({ query: print(ADDED) }, { next: () => {}, error: () => {}, complete: () => {} });
    await received;
    await expect.poll(async () => (await scrape(t)).get('brightrun_graphql_ws_subscriptions')).toBe(1);
    const live = await scrape(t);
    expect(live.get('brightrun_graphql_ws_connections')).toBe(1);
    expect(live.get('brightrun_graphql_operations_total{type="subscription"}')).toBeGreaterThanOrEqual(1);
    unsubscribe();
    await client.dispose();
    await expect.poll(async () => (await scrape(t)).get('brightrun_graphql_ws_connections')).toBe(0);
    expect((await scrape(t)).get('brightrun_graphql_ws_subscriptions')).toBe(0);
  });

  it('reports the depth of every queue, the ingested points counter and process metrics', async () => {
    t.app.services.observability.pointsIngested.inc(3);
    const samples = await scrape(t);
    for (const queue of ['dataset-validate', 'training-submit', 'training-poll']) {
      for (const state of ['queued', 'active', 'failed']) expect(samples.get(`brightrun_queue_jobs{queue="${queue}",state="${state}"}`)).toBeGreaterThanOrEqual(0);
    }
    expect(samples.get('brightrun_metric_points_ingested_total')).toBe(3);
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samples.has('nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('requires the bearer token when METRICS_TOKEN is set', async () => {
    const url = `${guarded.url}/metrics`;
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TOKEN}`]) {
      const res = await fetch(url, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('brightrun_http_request_duration_seconds');
  });
});
