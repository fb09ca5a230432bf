// The dataset fields and the list query the list page, the upload and configure pages and the cache updates share.
import { graphql } from '../../gql';

export const DatasetRowFragment = graphql(`
  fragment DatasetRow on Dataset {
    id
    name
    status
    format
    fileName
    fileSize
    errorCount
    warningCount
    createdAt
    deletedAt
    baseModel {
      id
      name
    }
    statistics {
      examples
      totalTokens
    }
  }
`);

export const FORMAT_LABELS: Record<string, string> = {
  CHAT_JSONL: 'Chat JSONL',
  BRIGHTRUN_LORA_V4: 'BrightRun LoRA v4',
};

const FORMAT_VALUES = new RegExp(`\\b(${Object.keys(FORMAT_LABELS).join('|')})\\b`, 'g');

/** Validation messages name formats by their API value; people read the names the format picker shows. */
export function readableIssue(message: string): string {
  return message.replace(FORMAT_VALUES, (value) => FORMAT_LABELS[value] ?? value);
}

/** The statuses a dataset leaves on its own: the page listens for changes while it is in one. */
/** The dataset list, page by page; the cache keeps every cached page of it right after a change. */
export const DatasetListQuery = graphql(`
  query DatasetList($first: Int!, $after: String, $filter: DatasetFilter) {
    datasets(first: $first, after: $after, filter: $filter) {
      totalCount
      edges {
        cursor
        node {
          ...DatasetRow
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const ACTIVE_DATASET_STATUSES = ['UPLOADING', 'VALIDATING'] as const;

export function isDatasetActive(status: string): boolean {
  return (ACTIVE_DATASET_STATUSES as readonly string[]).includes(status);
}
