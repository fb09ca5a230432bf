// A dataset's validation issues as the dataset page reads them: grouped by code with counts, paged, each
// with the start of its line; the whole list as CSV or JSONL; and a file declared in the wrong format
// checked again as the other one. Another user's dataset is not found by any of it.
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import { graphql } from '../../gql/index.js';
import type { IssuesQueryVariables } from '../../gql/graphql.js';
import { useTestApp, wsCollect } from '../../helpers/app.js';
import { useUsers } from '../../helpers/factories.js';
import { brightrunExample, chatExample, createDatasetFor, jsonl, uploadDataset } from '../../helpers/datasets.js';

const t = useTestApp();
const [alice, bob] = useUsers(t, 2);

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

const STATUS = graphql(`subscription IssuesDatasetStatus($id: ID!) { datasetUpdated(id: $id) { id status } }`);

/** The status a dataset's validation ends in; `again`: the one after it is next VALIDATING. */
async function validated(id: string, { again = false } = {}): Promise<string> {
  const ended = (r: { datasetUpdated: { status: string } }[]) => {
    const statuses = r.map((e) => e.datasetUpdated.status);
    const from = again ? statuses.indexOf('VALIDATING') : 0;
    return from >= 0 && statuses.slice(from).some((s) => s === 'READY' || s === 'INVALID');
  };
  const events = await wsCollect(t.ws(alice.token), STATUS, { id }, ended);
  return events.at(-1)!.datasetUpdated.status;
}

const ISSUES = graphql(`
  query Issues($id: ID!, $code: String, $offset: Int, $first: Int) {
    dataset(id: $id) {
      format
      status
      suggestedFormat
      validation {
        groups { code severity meaning count stored }
        issues(code: $code, offset: $offset, first: $first) { line path code severity message excerpt }
      }
    }
  }
`);

const REPORT = graphql(`
  query IssuesReport($id: ID!, $format: IssueReportFormat!) {
    dataset(id: $id) { validation { report(format: $format) } }
  }
`);

const RECHECK = graphql(`
  mutation IssuesRecheck($id: ID!, $format: DatasetFormat!) {
    recheckDataset(id: $id, format: $format) {
      __typename
      ... on DatasetPayload { dataset { id status format validation { valid } } }
      ... on NotFoundError { type }
      ... on InvalidInputError { problems { path message } }
      ... on DatasetInUseError { activeJobIds }
      ... on Error { message }
    }
  }
`);

/** Alice's dataset as the issues query reads it (it is hers, so it is there). */
async function issuesOf(variables: IssuesQueryVariables) {
  const { dataset } = await t.gqlData(ISSUES, variables, alice.token);
  if (!dataset) throw new Error(`dataset ${variables.id} not found`);
  return dataset;
}

/** The validation report of alice's dataset in this format. */
async function reportOf(id: string, format: 'CSV' | 'JSONL'): Promise<string> {
  return (await t.gqlData(REPORT, { id, format }, alice.token)).dataset!.validation!.report;
}

describe('issues grouped by code, paged, with excerpts', () => {
  let id: string;
  // 25 lines with a bad role (one over 200 characters), 3 that are not JSON, 12 valid examples.
  const longContent = 'x'.repeat(400);
  const badRole = (n: number) =>
    JSON.stringify({
      messages: [
        { role: 'robot', content: n === 1 ? longContent : `beep ${n}` },
        { role: 'assistant', content: 'boop' },
      ],
    });
  const lines = [...range(25).map(badRole), '{"messages": [', 'not json at all, "quoted"', '{"a": 1', ...range(12).map(chatExample)];

  beforeAll(async () => {
    id = await uploadDataset(t, alice.token, jsonl(lines));
    expect(await validated(id)).toBe('INVALID');
  });

  it('groups issues by code with complete counts, errors first, each with its meaning', async () => {
    const { validation } = await issuesOf({ id });
    expect(validation?.groups).toEqual([
      { code: 'INVALID_ROLE', severity: 'ERROR', meaning: 'A role is not one of system, user, assistant.', count: 25, stored: 25 },
      { code: 'INVALID_JSON', severity: 'ERROR', meaning: 'The line is not valid JSON.', count: 3, stored: 3 },
    ]);
  });

  it('pages one code with offset and first, in line order', async () => {
    const page = async (offset: number) => (await issuesOf({ id, code: 'INVALID_ROLE', offset, first: 10 })).validation!.issues.map((i) => i.line);
    expect(await page(0)).toEqual(range(10));
    expect(await page(10)).toEqual(range(10).map((n) => n + 10));
    expect(await page(20)).toEqual([21, 22, 23, 24, 25]);
    expect(await page(30)).toEqual([]);
  });

  it('keeps the first 200 characters of each offending line, cut with …', async () => {
    const issues = (await issuesOf({ id, code: 'INVALID_ROLE', first: 2 })).validation!.issues;
    expect(issues[0]?.excerpt).toBe(`${lines[0]!.slice(0, 200)}…`);
    expect(issues[1]?.excerpt).toBe(lines[1]);
    const json = (await issuesOf({ id, code: 'INVALID_JSON' })).validation!.issues;
    expect(json.map((i) => [i.line, i.excerpt])).toEqual([
      [26, '{"messages": ['],
      [27, 'not json at all, "quoted"'],
      [28, '{"a": 1'],
    ]);
  });

  it('downloads every stored issue as CSV, one row each with its excerpt', async () => {
    const csv = await reportOf(id, 'CSV');
    const rows = csv.split('\r\n').filter(Boolean);
    expect(rows[0]).toBe('line,severity,code,path,message,excerpt');
    expect(rows).toHaveLength(1 + 28);
    expect(rows[27]).toMatch(/^27,ERROR,INVALID_JSON,\$,.*,"not json at all, ""quoted"""$/);
    expect(rows[1]).toContain(`"${lines[0]!.slice(0, 200).replaceAll('"', '""')}…"`);
  });

  it('downloads the same issues as JSONL', async () => {
    const jsonlReport = await reportOf(id, 'JSONL');
    const rows = jsonlReport
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows).toHaveLength(28);
    expect(rows[25]).toEqual({ line: 26, severity: 'ERROR', code: 'INVALID_JSON', path: '$', message: expect.stringContaining('not valid JSON'), excerpt: '{"messages": [' });
  });

  it('suggests no other format for a file in the declared one', async () => {
    expect((await issuesOf({ id })).suggestedFormat).toBeNull();
  });

  it("answers another user's dataset with null: no groups, issues or report", async () => {
    const res = await t.gql(REPORT, { id, format: 'CSV' }, bob.token);
    expect(res.body).toEqual({ data: { dataset: null } });
    expect((await t.gql(ISSUES, { id }, bob.token)).body).toEqual({ data: { dataset: null } });
  });
});

describe('re-checking a file as the other format', () => {
  it('suggests BrightRun v4 for a v4 file declared chat, and re-checks it READY', async () => {
    const id = await uploadDataset(t, alice.token, jsonl(range(15).map(brightrunExample)));
    expect(await validated(id)).toBe('INVALID');
    const before = await issuesOf({ id });
    expect(before).toMatchObject({ format: 'CHAT_JSONL', suggestedFormat: 'BRIGHTRUN_LORA_V4' });
    expect(before.validation?.groups.map((g) => g.code)).toContain('WRONG_FORMAT');

    const done = validated(id, { again: true });
    const res = await t.gql(RECHECK, { id, format: 'BRIGHTRUN_LORA_V4' }, alice.token);
    expect(res.body.data?.recheckDataset).toEqual({ __typename: 'DatasetPayload', dataset: { id, status: 'VALIDATING', format: 'BRIGHTRUN_LORA_V4', validation: null } });
    expect(await done).toBe('READY');
    const after = await issuesOf({ id });
    expect(after).toMatchObject({ format: 'BRIGHTRUN_LORA_V4', status: 'READY', suggestedFormat: null, validation: { groups: [], issues: [] } });
    // The owner is told each outcome: the first check's errors, then the re-check's success.
    const rawId = Buffer.from(id, 'base64').toString().split(':')[1]!;
    const told = await db.notification.findMany({ where: { ownerId: alice.id, metadata: { path: ['datasetId'], equals: rawId } }, orderBy: { createdAt: 'asc' } });
    expect(told.map((n) => n.type)).toEqual(['DATASET_INVALID', 'DATASET_VALIDATED']);
  });

  it('suggests chat for a chat file declared BrightRun v4', async () => {
    const id = await uploadDataset(t, alice.token, jsonl(range(12).map(chatExample)), { format: 'BRIGHTRUN_LORA_V4' });
    expect(await validated(id)).toBe('INVALID');
    expect((await issuesOf({ id })).suggestedFormat).toBe('CHAT_JSONL');
  });

  it('refuses a dataset whose upload is not confirmed with a typed error, and changes nothing', async () => {
    const file = jsonl(range(12).map(chatExample));
    const { dataset } = await createDatasetFor(t, alice.token, file);
    const res = await t.gql(RECHECK, { id: dataset.id, format: 'BRIGHTRUN_LORA_V4' }, alice.token);
    expect(res.body.data?.recheckDataset).toMatchObject({
      __typename: 'InvalidInputError',
      problems: [{ path: ['id'], message: 'The dataset is UPLOADING: it can be checked again once its validation has ended.' }],
    });
    const row = await db.dataset.findUniqueOrThrow({ where: { id: Buffer.from(dataset.id, 'base64').toString().split(':')[1]! } });
    expect([row.status, row.format]).toEqual(['UPLOADING', 'CHAT_JSONL']);
  });

  it("answers another user's dataset as not found and leaves it as it was", async () => {
    const id = await uploadDataset(t, alice.token, jsonl(range(15).map(brightrunExample)));
    expect(await validated(id)).toBe('INVALID');
    const res = await t.gql(RECHECK, { id, format: 'BRIGHTRUN_LORA_V4' }, bob.token);
    expect(res.body.data?.recheckDataset).toEqual({ __typename: 'NotFoundError', type: 'Dataset', message: 'Dataset was not found' });
    const row = await db.dataset.findUniqueOrThrow({ where: { id: Buffer.from(id, 'base64').toString().split(':')[1]! } });
    expect([row.status, row.format]).toEqual(['INVALID', 'CHAT_JSONL']);
  });
});
