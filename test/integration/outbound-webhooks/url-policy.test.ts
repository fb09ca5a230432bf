// With the default settings the server refuses webhook endpoints it must not reach: loopback, private,
// link-local and other internal addresses, whether written as an IP or as a name that resolves to one, on
// create and on update; bad URLs and event types get typed errors naming the field.
import { print } from 'graphql';
import { expect, it } from 'vitest';
import { postWebhook } from '../../../server/outbound-webhooks/post.js';
import { isPrivateAddress, urlProblem } from '../../../server/outbound-webhooks/url-policy.js';
import { useTestApp } from '../../helpers/app.js';
import { useUser } from '../../helpers/factories.js';
import { ofType } from '../../helpers/graphql-client.js';
import { graphql } from '../../gql/index.js';
import type { WebhookEventType } from '../../gql/graphql.js';
import { CREATE_ENDPOINT } from '../../helpers/outbound-webhooks.js';
import { startWebhookReceiver } from '../../helpers/webhook-receiver.js';

const t = useTestApp();
const alice = useUser(t);

const create = async (url: string, eventTypes: WebhookEventType[] = ['DATASET_READY']) =>
  (await t.gqlData(CREATE_ENDPOINT, { input: { url, eventTypes } }, alice.token)).createWebhookEndpoint;
/** Refused for its url: the typed error. */
const refused = async (url: string, eventTypes?: WebhookEventType[]) => ofType(await create(url, eventTypes), 'InvalidInputError');
const UPDATE_URL = graphql(`
  mutation WebhookUrlPolicyUpdate($input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(input: $input) { __typename ... on InvalidInputError { problems { path } } }
  }
`);
const ENDPOINT_URL = graphql(`
  query WebhookUrlPolicyEndpoint($id: ID!) {
    webhookEndpoint(id: $id) { url }
  }
`);

it.each([
  'http://127.0.0.1:8080/hook',
  'http://localhost/hook',
  'https://10.1.2.3/hook',
  'https://192.168.0.10/hook',
  'https://172.20.0.1/hook',
  'http://169.254.169.254/latest/meta-data',
  'http://[::1]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://[fd00::1]/hook',
  'http://0.0.0.0/hook',
])('refuses %s', async (url) => {
  const result = await refused(url);
  expect(result.problems).toEqual([{ path: ['url'], message: expect.stringMatching(/public address/) }]);
});

it('refuses what is not an http(s) URL, and unknown or test-only event types, naming each field', async () => {
  expect((await refused('ftp://example.com/x')).problems).toEqual([{ path: ['url'], message: 'must be an http or https URL' }]);
  expect((await refused('not a url')).problems[0]?.path).toEqual(['url']);
  const both = await refused('http://127.0.0.1/x', ['WEBHOOK_TEST']);
  expect(both.problems.map((p) => p.path[0]).sort()).toEqual(['eventTypes', 'url']);
  // An event type the schema does not know: sent as written, since the typed variables cannot hold it.
  const bad = await t.rawGql(print(CREATE_ENDPOINT), { input: { url: 'https://example.com', eventTypes: ['NOPE'] } }, alice.token);
  expect(bad.body.errors?.[0]?.message).toMatch(/NOPE/);
});

it('refuses a private URL on update too, and leaves the endpoint as it was', async () => {
  // A public literal address: saved without a DNS lookup (nothing is sent until an event happens).
  const created = ofType(await create('https://93.184.215.14/hook'), 'WebhookEndpointSecretPayload');
  const res = await t.gqlData(UPDATE_URL, { input: { id: created.webhookEndpoint.id, url: 'http://127.0.0.1:5432/' } }, alice.token);
  expect(res.updateWebhookEndpoint).toEqual({ __typename: 'InvalidInputError', problems: [{ path: ['url'] }] });
  const now = await t.gqlData(ENDPOINT_URL, { id: created.webhookEndpoint.id }, alice.token);
  expect(now.webhookEndpoint?.url).toBe('https://93.184.215.14/hook');
});

it('classifies addresses, and requires https when production says so', async () => {
  for (const a of ['127.0.0.1', '10.0.0.1', '100.64.0.1', '169.254.1.1', '::1', 'fe80::1', 'fc00::1', '::ffff:10.0.0.1', '224.0.0.1']) expect(isPrivateAddress(a), a).toBe(true);
  for (const a of ['93.184.215.14', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) expect(isPrivateAddress(a), a).toBe(false);
  expect(await urlProblem({ allowPrivateUrls: false, requireHttps: true }, 'http://93.184.215.14/')).toBe('must be https');
  expect(await urlProblem({ allowPrivateUrls: false, requireHttps: true }, 'https://93.184.215.14/')).toBeNull();
  expect(await urlProblem({ allowPrivateUrls: true, requireHttps: false }, 'http://127.0.0.1/')).toBeNull();
});

it('refuses to connect to a private address when it sends, whatever the name resolved to when saved', async () => {
  const receiver = await startWebhookReceiver();
  try {
    const port = new URL(receiver.url).port;
    const config = { ...t.config.outboundWebhooks, timeoutMs: 2000 };
    for (const url of [`http://localhost:${port}/x`, `http://127.0.0.1:${port}/x`]) {
      const result = await postWebhook(config, url, {}, '{}');
      expect(result).toMatchObject({ ok: false, status: null });
      expect(result.error).toMatch(/private address/);
    }
    expect(receiver.received()).toHaveLength(0);
    // Allowed by the setting, the same request goes through.
    expect((await postWebhook({ ...config, allowPrivateUrls: true }, `http://localhost:${port}/x`, {}, '{}')).status).toBe(200);
  } finally {
    await receiver.close();
  }
});
