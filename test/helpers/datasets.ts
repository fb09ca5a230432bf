// Dataset files for tests, and the whole upload flow as a client runs it:
// createDataset → PUT to the signed URL → confirmDatasetUpload.
import type { CreateDatasetInput } from '../gql/graphql.js';
import { graphql } from '../gql/index.js';
import type { TestApp } from './app.js';
import { ofType } from './graphql-client.js';

export function chatExample(n: number): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'You are a helpful assistant for LoRA questions.' },
      { role: 'user', content: `Question number ${n}: what does the rank change?` },
      { role: 'assistant', content: `Answer ${n}: the rank sets how many parameters the adapter has.` },
    ],
  });
}

/** The same example in the BrightRun v4 export format. */
export function brightrunExample(n: number): string {
  return JSON.stringify({
    conversation_id: `conv-${n}`,
    turn: 1,
    system_prompt: 'You are a helpful assistant for LoRA questions.',
    conversation_history: [],
    current_user_input: `Question number ${n}: what does the rank change?`,
    target_response: `Answer ${n}: the rank sets how many parameters the adapter has.`,
  });
}

export function jsonl(lines: string[]): Buffer {
  return Buffer.from(lines.map((l) => `${l}\n`).join(''));
}

export const CREATE_DATASET = graphql(`
  mutation HelperCreateDataset($input: CreateDatasetInput!) {
    createDataset(input: $input) {
      __typename
      ... on CreateDatasetPayload { dataset { id status fileSize } upload { url method headers expiresAt } }
      ... on InvalidInputError { message problems { path message } }
    }
  }
`);

export const CONFIRM_UPLOAD = graphql(`
  mutation HelperConfirmUpload($id: ID!) {
    confirmDatasetUpload(id: $id) {
      __typename
      ... on DatasetPayload { dataset { id status } }
      ... on Error { message }
    }
  }
`);

export interface Upload {
  url: string;
  method: string;
  headers: Record<string, string>;
}

/** createDataset's input with a test file's defaults; `input` overrides them. */
export type DatasetInput = Partial<CreateDatasetInput>;

export async function createDatasetFor(t: TestApp, token: string, file: Buffer, input: DatasetInput = {}) {
  const res = await t.gql(CREATE_DATASET, { input: { name: 'test data', fileName: 'train.jsonl', fileSize: file.length, contentType: 'application/jsonl', ...input } }, token);
  const result = res.body.data?.createDataset;
  if (result?.__typename !== 'CreateDatasetPayload' || !result.upload) throw new Error(`createDataset failed: ${JSON.stringify(res.body)}`);
  const upload: Upload = { ...result.upload, headers: result.upload.headers as Record<string, string> };
  return { dataset: result.dataset, upload };
}

export async function put(upload: Upload, body: Buffer): Promise<Response> {
  return fetch(upload.url, { method: upload.method, headers: upload.headers, body: new Uint8Array(body) });
}

/** Create, upload and confirm; returns the dataset's global id. */
export async function uploadDataset(t: TestApp, token: string, file: Buffer, input: DatasetInput = {}): Promise<string> {
  const { dataset, upload } = await createDatasetFor(t, token, file, input);
  const res = await put(upload, file);
  if (!res.ok) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  ofType((await t.gqlData(CONFIRM_UPLOAD, { id: dataset.id }, token)).confirmDatasetUpload, 'DatasetPayload');
  return dataset.id;
}

export const DATASET_UPDATED = graphql(`
  subscription HelperDatasetUpdated($id: ID!) {
    datasetUpdated(id: $id) {
      id
      status
      errorCount
      warningCount
      statistics {
        examples
        trainingPairs
        totalTokens
        tokensPerExample { min mean p95 max }
        examplesOverContext
        roleCounts { system user assistant }
        duplicates
      }
      validation {
        valid
        errorCount
        truncated
        tokenCountsExact
        countsByCode { code count }
        issues { line path code severity message }
      }
    }
  }
`);
