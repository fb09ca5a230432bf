// Every way a credential can be wrong is refused, on HTTP and on WebSocket,
// and the right ones work: local tokens, identity-provider tokens, API keys.
import { describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT } from 'jose';
import { LOCAL_ISSUER, API_AUDIENCE, signCallbackToken } from '../../../server/auth/tokens.js';
import { db } from '../../../server/db/client.js';
import { graphql } from '../../gql/index.js';
import { useTestApp, wsOnce } from '../../helpers/app.js';
import { createUser, useUser } from '../../helpers/factories.js';
import { ofType } from '../../helpers/graphql-client.js';

const t = useTestApp();
const alice = useUser(t);

const key = () => new TextEncoder().encode(t.app.services.secret);

function localToken(overrides: { secret?: string; audience?: string; issuer?: string; exp?: number; nbf?: number; alg?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ email: alice.email })
    .setProtectedHeader({ alg: overrides.alg ?? 'HS256' })
    .setIssuer(overrides.issuer ?? LOCAL_ISSUER)
    .setAudience(overrides.audience ?? API_AUDIENCE)
    .setSubject(`local:${alice.email}`)
    .setIssuedAt()
    .setExpirationTime(overrides.exp ?? now + 600);
  if (overrides.nbf) jwt.setNotBefore(overrides.nbf);
  return jwt.sign(overrides.secret ? new TextEncoder().encode(overrides.secret) : key());
}

const ME = graphql(`query AuthMe { me { id email } }`);

const QUIET_SUBSCRIPTION = graphql(`subscription AuthQuiet { notificationAdded { id } }`);

const CREATE = graphql(`
  mutation AuthCreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on CreateApiKeyPayload { secret apiKey { id name prefix revokedAt } }
      ... on InvalidInputError { problems { path message } }
    }
  }
`);

const REVOKE = graphql(`
  mutation AuthRevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      __typename
      ... on RevokeApiKeyPayload { apiKey { id revokedAt } }
      ... on NotFoundError { message }
    }
  }
`);

/** A new API key of the user whose token this is: its secret and its row. */
async function createKey(name: string, token: string) {
  return ofType((await t.gqlData(CREATE, { input: { name } }, token)).createApiKey, 'CreateApiKeyPayload');
}

/** A subscription that stays quiet (no notification comes) over Server-Sent Events: resolves `open` once the stream
 * starts, and `events` with every `next` payload once the server ends the stream (or after 10 s). */
function sseEvents(credential: string) {
  let opened: () => void = () => {};
  const open = new Promise<void>((resolve) => (opened = resolve));
  const events = (async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${credential}` },
      body: JSON.stringify({ query: 'subscription { notificationAdded { id } }' }),
      signal: AbortSignal.timeout(10_000),
    });
    opened();
    const text = await res.text().catch(() => '');
    return [...text.matchAll(/event: next\ndata: (.*)\n/g)].map((match) => JSON.parse(match[1]!));
  })();
  return { open, events };
}

async function badCredentials(): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  const valid = await localToken();
  const [header] = valid.split('.');
  return {
    expired: await localToken({ exp: now - 3600 }),
    'wrong signature': await localToken({ secret: 'another-secret-of-at-least-thirty-two-chars' }),
    'alg none': new UnsecuredJWT({ email: alice.email })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(API_AUDIENCE)
      .setSubject(`local:${alice.email}`)
      .setExpirationTime(now + 600)
      .encode(),
    'wrong audience': await localToken({ audience: 'someone-else' }),
    'wrong issuer': await localToken({ issuer: 'https://evil.example' }),
    'not yet valid': await localToken({ nbf: now + 3600 }),
    'wrong algorithm (HS512)': await localToken({ alg: 'HS512' }),
    'tampered payload': `${header}.${Buffer.from(JSON.stringify({ sub: 'local:someone-else@x.dev', iss: LOCAL_ISSUER, aud: API_AUDIENCE, exp: now + 600 })).toString('base64url')}.${valid.split('.')[2]}`,
    'GPU callback token': await signCallbackToken(t.app.services.secret, alice.id, 600),
    garbage: 'not-a-jwt',
    'unknown API key': 'brk_thisdoesnotexist',
    'three empty parts': 'x.y.z',
  };
}

describe('HTTP', () => {
  it('answers `me` with a valid token', async () => {
    const res = await t.gql(ME, {}, alice.token);
    expect(res.body.data?.me.email).toBe(alice.email);
  });

  it('answers without a token with an authentication error', async () => {
    const res = await t.gql(ME, {}, null);
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses every bad credential with 401 and UNAUTHENTICATED', async () => {
    for (const [name, token] of Object.entries(await badCredentials())) {
      const res = await t.gql(ME, {}, token);
      expect({ name, status: res.status, code: res.body.errors?.[0]?.extensions?.code, data: res.body.data }).toEqual({
        name,
        status: 401,
        code: 'UNAUTHENTICATED',
        data: undefined,
      });
    }
  });

  it('says when a token has expired', async () => {
    const res = await t.gql(ME, {}, await localToken({ exp: Math.floor(Date.now() / 1000) - 60 }));
    expect(res.body.errors?.[0]?.extensions?.reason).toBe('TOKEN_EXPIRED');
  });
});

describe('WebSocket', () => {
  it('runs an operation with a valid token in connection_init', async () => {
    const result = await wsOnce(t.ws(alice.token), ME);
    expect(result.data?.me.email).toBe(alice.email);
  });

  it('closes the connection with 4403 for every bad credential', async () => {
    for (const [name, token] of Object.entries(await badCredentials())) {
      const result = await wsOnce(t.ws(token), ME);
      expect({ name, closeCode: result.closeCode, data: result.data }).toEqual({ name, closeCode: 4403, data: undefined });
    }
  });
});

describe('API keys', () => {
  it('works until revoked, then is refused on HTTP and WebSocket', async () => {
    const { secret, apiKey } = await createKey('ci', alice.token);
    expect(secret).toMatch(/^brk_/);
    expect(secret.startsWith(apiKey.prefix)).toBe(true);
    expect((await t.gqlData(ME, {}, secret)).me.email).toBe(alice.email);
    expect((await wsOnce(t.ws(secret), ME)).data?.me.email).toBe(alice.email);

    const revoked = await t.gql(REVOKE, { id: apiKey.id }, alice.token);
    expect(ofType(revoked.body.data?.revokeApiKey, 'RevokeApiKeyPayload').apiKey.revokedAt).toBeTruthy();

    const after = await t.gql(ME, {}, secret);
    expect(after.status).toBe(401);
    expect(after.body.errors?.[0]?.extensions?.reason).toBe('API_KEY_INVALID');
    expect((await wsOnce(t.ws(secret), ME)).closeCode).toBe(4403);
  });

  it('is refused at once after its revocation, though this process answered for it a moment before', async () => {
    const { secret, apiKey } = await createKey('busy', alice.token);
    // Answered several times: the process now knows the key without reading its row.
    for (let i = 0; i < 3; i++) expect((await t.gqlData(ME, {}, secret)).me.email).toBe(alice.email);
    await t.gql(REVOKE, { id: apiKey.id }, alice.token);
    const after = await t.gql(ME, {}, secret);
    expect(after.status).toBe(401);
    expect(after.body.errors?.[0]?.extensions?.reason).toBe('API_KEY_INVALID');
  });

  it('is refused as soon as a revocation made on another process arrives', async () => {
    const { secret, apiKey } = await createKey('elsewhere', alice.token);
    expect((await t.gqlData(ME, {}, secret)).me.email).toBe(alice.email);
    // What revokeApiKey does on another process: the row, then the announcement every process hears.
    const keyId = Buffer.from(apiKey.id, 'base64').toString().split(':')[1]!;
    await db.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
    t.app.services.pubsub.publish('apiKeyRevoked', keyId, { id: keyId });
    const deadline = Date.now() + 5_000;
    let status = 200;
    while (status !== 401 && Date.now() < deadline) {
      status = (await t.gql(ME, {}, secret)).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(401);
  });

  it('closes a WebSocket signed in with a key (4403) as soon as the key is revoked, ending its subscriptions', async () => {
    const { secret, apiKey } = await createKey('live', alice.token);
    const client = t.ws(secret);
    const connected = new Promise((resolve) => client.on('connected', resolve));
    // A subscription that stays open: no notification comes.
    const ended = wsOnce(client, QUIET_SUBSCRIPTION);
    await connected;
    await t.gql(REVOKE, { id: apiKey.id }, alice.token);
    expect((await ended).closeCode).toBe(4403);
  });

  it('closes a WebSocket signed in with a token (4403) when the token expires', async () => {
    const token = await localToken({ exp: Math.floor(Date.now() / 1000) + 2 });
    const client = t.ws(token);
    const connected = new Promise((resolve) => client.on('connected', resolve));
    const ended = wsOnce(client, QUIET_SUBSCRIPTION);
    await connected;
    expect((await ended).closeCode).toBe(4403);
  });

  it('ends a subscription over Server-Sent Events when its key is revoked, and one whose token expires', async () => {
    const { secret, apiKey } = await createKey('sse', alice.token);
    const byKey = sseEvents(secret);
    await byKey.open;
    await t.gql(REVOKE, { id: apiKey.id }, alice.token);
    const keyEvents = await byKey.events;
    expect(keyEvents.at(-1)).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringMatching(/revoked/) }] });

    const byToken = sseEvents(await localToken({ exp: Math.floor(Date.now() / 1000) + 2 }));
    await byToken.open;
    const tokenEvents = await byToken.events;
    expect(tokenEvents.at(-1)).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringMatching(/expired/) }] });
  });

  it('cannot create or revoke keys with a key: FORBIDDEN', async () => {
    const { secret, apiKey } = await createKey('tool', alice.token);
    for (const res of [await t.gql(CREATE, { input: { name: 'more' } }, secret), await t.gql(REVOKE, { id: apiKey.id }, secret)]) {
      expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await t.gqlData(ME, {}, secret)).me.email).toBe(alice.email);
  });

  it("cannot revoke another user's key: it looks like a key that does not exist", async () => {
    const bob = await createUser(t);
    const { apiKey, secret } = await createKey('bob', bob.token);
    const res = await t.gql(REVOKE, { id: apiKey.id }, alice.token);
    expect(res.body.data?.revokeApiKey.__typename).toBe('NotFoundError');
    expect((await t.gqlData(ME, {}, secret)).me.email).toBe(bob.email);
  });

  it('rejects an empty name as a typed error', async () => {
    const res = await t.gql(CREATE, { input: { name: '  ' } }, alice.token);
    expect(res.body.data?.createApiKey).toEqual({ __typename: 'InvalidInputError', problems: [{ path: ['name'], message: 'must be 1 to 100 characters' }] });
  });
});
