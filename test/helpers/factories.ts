// Factories: every test makes its own users and data with unique ids, so tests
// run concurrently and never depend on one another.
import { randomUUID } from 'node:crypto';
import { signLocalUserToken } from '../../server/auth/tokens.js';
import type { TestApp } from './app.js';

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

/** A new local user, created on first sight like a real one. */
export async function createUser(t: TestApp): Promise<TestUser> {
  const email = `user-${randomUUID()}@test.brightrun.dev`;
  const token = await signLocalUserToken(t.app.services.secret, { sub: `local:${email}`, email });
  const res = await t.gql<{ me: { id: string } }>('{ me { id } }', {}, token);
  if (!res.body.data) throw new Error(`could not create user: ${JSON.stringify(res.body)}`);
  const globalId = res.body.data.me.id;
  return { id: Buffer.from(globalId, 'base64').toString().split(':')[1]!, email, token };
}
