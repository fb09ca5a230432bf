// User tokens under attack, over HTTP and graphql-ws, in both auth modes.
// auth.test.ts has the embedded mode's basic cases (alg none, another key,
// HS512, expired, future nbf, wrong issuer and audience, a callback token used
// as a user token, revoked API keys); this file adds the identity-provider
// mode (JWKS, a provider started here: key rotation, the provider down, email
// and name following newer tokens) and what that file lacks. Forged and
// replayed GPU callbacks are in test/integration/training/webhooks.test.ts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT, UnsecuredJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter } from 'prom-client';
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKey } from '../../../server/keys.js';
import { API_AUDIENCE, createTokenVerifier, LOCAL_ISSUER } from '../../../server/auth/tokens.js';
import { createLogger } from '../../../server/log.js';
import { graphql } from '../../gql/index.js';
import { startTestApp, wsOnce, type TestApp } from '../../helpers/app.js';

const ME = graphql(`query JwtMe { me { id email } }`);
const ME_NAMED = graphql(`query JwtMeNamed { me { email name } }`);
const now = () => Math.floor(Date.now() / 1000);
const bytes = (text: string) => new TextEncoder().encode(text);

/** The claims given, without those set to undefined. */
const claims = (defaults: JWTPayload, overrides: JWTPayload): JWTPayload => JSON.parse(JSON.stringify({ ...defaults, ...overrides }));

function sign(payload: JWTPayload, header: JWTHeaderParameters, key: CryptoKey | Uint8Array): Promise<string> {
  return new SignJWT(payload).setProtectedHeader(header).sign(key);
}

/** The same header and signature over another payload. */
function withPayload(token: string, payload: JWTPayload): string {
  const [header, , signature] = token.split('.');
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

type Attacks = Record<string, () => Promise<string> | string>;

/** The control (a good token signs the user in on HTTP and WebSocket), then every attack refused on both. */
function tokenTests(app: () => TestApp, good: () => Promise<string>, email: string, attacks: Attacks) {
  it('accepts a good token on HTTP and WebSocket (the control)', async () => {
    const token = await good();
    expect((await app().gql(ME, {}, token)).body.data?.me.email).toBe(email);
    expect((await wsOnce(app().ws(token), ME)).data?.me.email).toBe(email);
  });

  it.each(Object.keys(attacks))('refuses %s: 401 on HTTP, 4403 on WebSocket', async (name) => {
    const token = await attacks[name]!();
    const res = await app().gql(ME, {}, token);
    expect({ status: res.status, code: res.body.errors?.[0]?.extensions?.code, data: res.body.data }).toEqual({ status: 401, code: 'UNAUTHENTICATED', data: undefined });
    const ws = await wsOnce(app().ws(token), ME);
    expect({ closeCode: ws.closeCode, data: ws.data }).toEqual({ closeCode: 4403, data: undefined });
  });
}

describe('identity provider mode (JWKS)', () => {
  const ISSUER = 'https://idp.test.brightrun.dev/';
  const AUDIENCE = 'brightrun-test-api';
  let t: TestApp;
  let idp: Awaited<ReturnType<typeof startIdentityProvider>>;

  /** A tiny identity provider: its key set at /jwks.json, and an attacker's at /attacker/jwks.json. */
  async function startIdentityProvider() {
    const [own, attacker] = await Promise.all([generateKeyPair('RS256', { extractable: true }), generateKeyPair('RS256', { extractable: true })]);
    const publicJwk = async (key: CryptoKey, kid: string) => ({ ...(await exportJWK(key)), kid, alg: 'RS256', use: 'sig' });
    const ownSet = { keys: [await publicJwk(own.publicKey, 'idp-key')] };
    const attackerJwk = await publicJwk(attacker.publicKey, 'attacker-key');
    const sets: Record<string, unknown> = { '/jwks.json': ownSet, '/attacker/jwks.json': { keys: [attackerJwk] } };
    let down = false;
    const server = http.createServer((req, res) => {
      // Down: the connection drops without an answer.
      if (down) return void req.socket.destroy();
      const set = sets[req.url ?? ''];
      res.writeHead(set ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(set ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      own,
      attacker,
      attackerJwk,
      /** Publishes a new signing key beside the old one, as a provider rotating its keys does; returns its private key. */
      async addKey(kid: string): Promise<CryptoKey> {
        const pair = await generateKeyPair('RS256', { extractable: true });
        ownSet.keys.push(await publicJwk(pair.publicKey, kid));
        return pair.privateKey;
      },
      setDown: (value: boolean) => {
        down = value;
      },
      close: () => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
      },
    };
  }

  const email = `idp-${randomUUID()}@test.brightrun.dev`;
  const payload = (overrides: JWTPayload = {}) => claims({ iss: ISSUER, aud: AUDIENCE, sub: `idp|${email}`, email, iat: now(), exp: now() + 600 }, overrides);
  const signed = (overrides: JWTPayload = {}) => sign(payload(overrides), { alg: 'RS256', kid: 'idp-key' }, idp.own.privateKey);

  beforeAll(async () => {
    idp = await startIdentityProvider();
    t = await startTestApp({ AUTH_JWKS_URL: `${idp.url}/jwks.json`, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
  });
  afterAll(async () => {
    await t?.stop();
    await idp?.close();
  });

  const attacks: Attacks = {
    'alg none': () => new UnsecuredJWT(payload()).encode(),
    'HS256 keyed with the provider public key (algorithm confusion)': async () => sign(payload(), { alg: 'HS256', kid: 'idp-key' }, bytes(await exportSPKI(idp.own.publicKey))),
    'HS256 keyed with the server secret (an embedded-mode token)': () => sign(payload(), { alg: 'HS256' }, bytes(t.app.services.secret)),
    'RS512 with the provider key (algorithm not allowed)': async () =>
      sign(payload(), { alg: 'RS512', kid: 'idp-key' }, await importPKCS8(await exportPKCS8(idp.own.privateKey), 'RS512')),
    "another key under the provider's kid": () => sign(payload(), { alg: 'RS256', kid: 'idp-key' }, idp.attacker.privateKey),
    'a kid the provider does not have': () => sign(payload(), { alg: 'RS256', kid: 'attacker-key' }, idp.attacker.privateKey),
    'its own key embedded in the header (jwk)': () => sign(payload(), { alg: 'RS256', jwk: idp.attackerJwk }, idp.attacker.privateKey),
    'its own key set named in the header (jku)': () => sign(payload(), { alg: 'RS256', kid: 'attacker-key', jku: `${idp.url}/attacker/jwks.json` }, idp.attacker.privateKey),
    'tampered payload': async () => withPayload(await signed(), payload({ sub: 'idp|someone-else' })),
    expired: () => signed({ exp: now() - 3600 }),
    'not valid yet (nbf)': () => signed({ nbf: now() + 3600 }),
    'no expiry': () => signed({ exp: undefined }),
    'wrong issuer': () => signed({ iss: 'https://evil.example/' }),
    'wrong audience': () => signed({ aud: 'someone-else' }),
    'no audience': () => signed({ aud: undefined }),
    'no subject': () => signed({ sub: undefined }),
  };

  tokenTests(
    () => t,
    () => signed(),
    email,
    attacks,
  );

  it('mints no local tokens', async () => {
    const res = await fetch(`${t.url}/auth/local`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/eyJ/);
  });

  it("follows the user's email and name in newer tokens, not in older or silent ones", async () => {
    const sub = `idp|${randomUUID()}`;
    const [before, after] = [`before-${randomUUID()}@test.brightrun.dev`, `after-${randomUUID()}@test.brightrun.dev`];
    const me = async (overrides: JWTPayload) => (await t.gql(ME_NAMED, {}, await signed({ sub, ...overrides }))).body.data?.me;
    expect(await me({ email: before, name: 'Before', iat: now() - 60 })).toEqual({ email: before, name: 'Before' });
    expect(await me({ email: after, name: 'After', iat: now() })).toEqual({ email: after, name: 'After' });
    // An older token, still valid, does not undo the change; a token without the claims keeps them.
    expect(await me({ email: before, name: 'Before', iat: now() - 60 })).toEqual({ email: after, name: 'After' });
    expect(await me({ email: undefined, name: undefined })).toEqual({ email: after, name: 'After' });
  });

  /** Its own server, so its key set is fetched first by the test that needs it. */
  describe('key rotation and an unreachable provider', () => {
    let fresh: TestApp;
    const lines: Record<string, unknown>[] = [];
    const refusal = (res: { status: number; body: { errors?: GraphQLFormattedError[] } }) => ({
      status: res.status,
      reason: res.body.errors?.[0]?.extensions?.reason,
      message: res.body.errors?.[0]?.message,
    });
    async function refusals(reason: string): Promise<number> {
      const text = await (await fetch(`${fresh.url}/metrics`)).text();
      return Number(new RegExp(`^brightrun_token_refusals_total\\{reason="${reason}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    }

    beforeAll(async () => {
      const log = createLogger('debug', {}, (line) => lines.push(JSON.parse(line)));
      fresh = await startTestApp({ AUTH_JWKS_URL: `${idp.url}/jwks.json`, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }, {}, { log });
    });
    afterAll(() => fresh?.stop());

    it('accepts a key rotated in just after the key set was fetched within seconds, and says why it refused it until then', async () => {
      expect((await fresh.gql(ME, {}, await signed())).status).toBe(200); // the key set is fetched now
      const rotated = await sign(payload(), { alg: 'RS256', kid: 'idp-key-2' }, await idp.addKey('idp-key-2'));
      expect(refusal(await fresh.gql(ME, {}, rotated))).toEqual({
        status: 401,
        reason: 'SIGNING_KEY_UNKNOWN',
        message: expect.stringContaining('retry in a few seconds'),
      });
      await expect.poll(async () => (await fresh.gql(ME, {}, rotated)).body.data?.me.email, { timeout: 10_000, interval: 250 }).toBe(email);
      expect(lines.find((l) => l.msg === 'token signed with a key the identity provider does not list')).toMatchObject({ level: 'warn', kid: 'idp-key-2' });
      expect(await refusals('SIGNING_KEY_UNKNOWN')).toBeGreaterThanOrEqual(1);
    });

    it('refuses a token it cannot check with IDENTITY_PROVIDER_UNAVAILABLE, logs and counts it, and keeps accepting known keys', async () => {
      idp.setDown(true);
      try {
        // A kid not in the cached set makes the server fetch the set again (once the cooldown has passed).
        const unknown = await sign(payload(), { alg: 'RS256', kid: 'idp-key-3' }, idp.own.privateKey);
        await expect.poll(async () => refusal(await fresh.gql(ME, {}, unknown)).reason, { timeout: 10_000, interval: 250 }).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
        expect(refusal(await fresh.gql(ME, {}, unknown))).toMatchObject({ status: 401, message: expect.stringContaining('could not be reached') });
        // Nothing against the token: clients keep it and retry (HTTP: retryable; WebSocket: 4503, not 4403).
        expect((await fresh.gql(ME, {}, unknown)).body.errors?.[0]?.extensions?.retryable).toBe(true);
        expect((await wsOnce(fresh.ws(unknown), ME)).closeCode).toBe(4503);
        expect((await fresh.gql(ME, {}, 'not-a-jwt')).body.errors?.[0]?.extensions?.retryable).toBe(false);
        expect(lines.find((l) => l.msg === 'identity provider unavailable')).toMatchObject({ level: 'error', err: { message: 'fetch failed' } });
        expect(await refusals('IDENTITY_PROVIDER_UNAVAILABLE')).toBeGreaterThanOrEqual(1);
        expect((await fresh.gql(ME, {}, await signed())).body.data?.me.email).toBe(email);
      } finally {
        idp.setDown(false);
      }
    });

    it('keeps verifying known keys with the last key set for a bounded time once the set is due and the provider is down', async () => {
      const refused = new Counter({ name: `refusals_${randomUUID().replaceAll('-', '')}`, help: 'test', labelNames: ['reason'], registers: [] });
      const verify = createTokenVerifier({
        secret: 'unused-in-provider-mode',
        jwks: { url: `${idp.url}/jwks.json`, issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] },
        clockToleranceSeconds: 0,
        log: createLogger('silent'),
        refusals: refused,
        keySet: { maxAgeMs: 100, staleForMs: 1_500 },
      });
      expect((await verify(await signed())).email).toBe(email); // the set is fetched now
      idp.setDown(true);
      try {
        await sleep(200); // the set is due: the next token makes jose fetch it, and the fetch fails
        expect((await verify(await signed())).email).toBe(email);
        const unknown = await sign(payload(), { alg: 'RS256', kid: 'idp-key-4' }, idp.own.privateKey);
        await expect(verify(unknown)).rejects.toMatchObject({ reason: 'IDENTITY_PROVIDER_UNAVAILABLE' });
        // A forged token is still refused for what it is.
        await expect(verify(await sign(payload(), { alg: 'RS256', kid: 'idp-key' }, idp.attacker.privateKey))).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
        await sleep(1_600); // past the stale window nothing is verified
        await expect(verify(await signed())).rejects.toMatchObject({ reason: 'IDENTITY_PROVIDER_UNAVAILABLE' });
      } finally {
        idp.setDown(false);
      }
      expect((await verify(await signed())).email).toBe(email);
    });
  });
});

describe('embedded mode (HS256 with the server secret)', () => {
  let t: TestApp;
  const email = `local-${randomUUID()}@test.brightrun.dev`;
  const payload = (overrides: JWTPayload = {}) => claims({ iss: LOCAL_ISSUER, aud: API_AUDIENCE, sub: `local:${email}`, email, iat: now(), exp: now() + 600 }, overrides);
  const signed = (overrides: JWTPayload = {}) => sign(payload(overrides), { alg: 'HS256' }, bytes(t.app.services.secret));

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.stop());

  const attacks: Attacks = {
    'RS256 with a key of its own (an asymmetric algorithm)': async () => sign(payload(), { alg: 'RS256' }, (await generateKeyPair('RS256')).privateKey),
    'its own key embedded in the header (jwk)': async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
      return sign(payload(), { alg: 'RS256', jwk: await exportJWK(publicKey) }, privateKey);
    },
    'HS256 keyed with the storage URL key': () => sign(payload(), { alg: 'HS256' }, bytes(deriveKey(t.app.services.secret, 'storage-urls'))),
    'no expiry': () => signed({ exp: undefined }),
    'no subject': () => signed({ sub: undefined }),
  };

  tokenTests(
    () => t,
    () => signed(),
    email,
    attacks,
  );

  it('refuses a user token as a GPU callback token, even one naming the job', async () => {
    // The callback audience is what keeps the two apart: without it this would reach the (unknown) job.
    const jobId = randomUUID();
    const token = await sign(payload({ sub: jobId }), { alg: 'HS256' }, bytes(t.app.services.secret));
    const res = await fetch(`${t.url}/webhooks/gpu/simulated`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-callback-token': token },
      body: JSON.stringify({ deliveryId: 'forged', externalId: 'sim-forged', jobId, state: 'RUNNING', step: 1, points: [], artifacts: [], error: null }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TOKEN_INVALID');
  });
});
