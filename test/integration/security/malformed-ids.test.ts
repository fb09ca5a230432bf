// Ids that were never given out (a base64 wrapper around a non-UUID, not base64 at all, NUL characters) are the
// caller's mistake: BAD_USER_INPUT, never an internal error, on every field that takes an id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, wsOnce, type GraphQLErrorJson, type TestApp } from '../../helpers/app.js';
import { createUser, type TestUser } from '../../helpers/factories.js';

let t: TestApp;
let alice: TestUser;
const b64 = (text: string) => Buffer.from(text).toString('base64');

const MALFORMED = [b64('Dataset:not-a-uuid'), b64('TrainingJob:1234'), 'not base64 at all!', b64('NoColonHere'), b64('Dataset:00000000-0000-4000-8000-00000000000\u0000'), ''];

const OPERATIONS = [
  'query($id: ID!) { dataset(id: $id) { __typename } }',
  'query($id: ID!) { trainingJob(id: $id) { __typename } }',
  'query($id: ID!) { model(id: $id) { __typename } }',
  'query($id: ID!) { node(id: $id) { id } }',
  'mutation($id: ID!) { cancelTrainingJob(id: $id) { __typename } }',
  'mutation($id: ID!) { deleteDataset(id: $id) { __typename } }',
  'mutation($id: ID!) { recheckDataset(id: $id, format: CHAT_JSONL) { __typename } }',
  'mutation($id: ID!) { createModelDownload(id: $id) { __typename } }',
];

beforeAll(async () => {
  t = await startTestApp();
  alice = await createUser(t);
});
afterAll(() => t?.stop());

describe('malformed ids', () => {
  it('answer BAD_USER_INPUT over HTTP, never INTERNAL_SERVER_ERROR', async () => {
    for (const query of OPERATIONS) {
      for (const id of MALFORMED) {
        // As written: the id is the bad input, so no typed document stands in the way.
        const { body } = await t.rawGql(query, { id }, alice.token);
        const codes = (body.errors ?? []).map((e) => e.extensions?.code);
        expect(codes, `${query} with ${JSON.stringify(id)}`).toEqual(['BAD_USER_INPUT']);
        expect(JSON.stringify(body)).not.toMatch(/prisma|\.ts:|node_modules/i);
      }
    }
  });

  it('answer BAD_USER_INPUT to a subscription over graphql-ws', async () => {
    const result = await wsOnce(t.ws(alice.token), 'subscription($id: ID!) { trainingJobUpdated(id: $id) { id } }', { id: b64('TrainingJob:nope') });
    expect((result.errors ?? []).map((e: GraphQLErrorJson) => e.extensions?.code ?? e.message)).toEqual(['BAD_USER_INPUT']);
  });
});
