// One user holds at most MAX_CONNECTIONS_PER_USER live connections (graphql-ws sockets and SSE streams) on a
// process, and a socket at most MAX_SUBSCRIPTIONS_PER_CONNECTION subscriptions: past that, a typed refusal, and
// the user's other connections and other users go on.
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../gql/index.js';
import { startTestApp, wsOnce, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
const QUIET = graphql(`
  subscription ConnectionLimitsQuiet {
    notificationAdded { id }
  }
`);
const ME = graphql(`
  query ConnectionLimitsMe {
    me { id }
  }
`);

beforeAll(async () => {
  t = await startTestApp({ MAX_CONNECTIONS_PER_USER: '2', MAX_SUBSCRIPTIONS_PER_CONNECTION: '2' });
  [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
});
afterAll(() => t?.stop());

/** A graphql-ws client with a quiet subscription open on it; resolves once the server accepted the socket. */
async function openSocket(token: string) {
  const client = t.ws(token);
  const connected = new Promise((resolve) => client.on('connected', resolve));
  const closed = new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
  client.subscribe({ query: print(QUIET) }, { next: () => {}, error: () => {}, complete: () => {} });
  return { client, connected, closed };
}

describe('connection limits', () => {
  it('closes a socket past the per-user limit with 4429, and frees the place when one closes', async () => {
    const [a, b] = [await openSocket(alice.token), await openSocket(alice.token)];
    await Promise.all([a.connected, b.connected]);
    const third = await openSocket(alice.token);
    expect(await third.closed).toBe(4429);
    // Another user is not affected.
    const bobs = await openSocket(bob.token);
    await bobs.connected;
    // SSE streams count toward the same limit.
    const sse = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${alice.token}` },
      body: JSON.stringify({ query: print(QUIET) }),
    });
    expect(await sse.text()).toMatch(/TOO_MANY_CONNECTIONS/);

    await a.client.dispose();
    await a.closed;
    const again = await openSocket(alice.token);
    await again.connected;
    await Promise.all([b.client.dispose(), again.client.dispose(), bobs.client.dispose()]);
  });

  it('refuses a subscription past the per-socket limit with TOO_MANY_SUBSCRIPTIONS, keeping the socket', async () => {
    const client = t.ws(bob.token);
    const sink = { next: () => {}, error: () => {}, complete: () => {} };
    client.subscribe({ query: print(QUIET) }, sink);
    client.subscribe({ query: print(QUIET) }, sink);
    const third = await wsOnce(client, QUIET);
    expect((third.errors ?? []).map((e) => ('extensions' in e ? e.extensions?.code : e.message))).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
    expect((await wsOnce(client, ME)).data?.me?.id).toBeTruthy();
    await client.dispose();
  });
});
