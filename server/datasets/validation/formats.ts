// Reads one parsed line of each dataset format into the common message list, reporting what is missing or mistyped.
import type { IssueCode } from './codes.js';
import type { DatasetFormat } from './types.js';

/** A message as found in the line, not yet checked; `at` locates it for JSON paths (see FormatReader.path). */
export interface RawMessage {
  role: unknown;
  content: unknown;
  weight: unknown;
  at: number;
}

export type Report = (code: IssueCode, path: string, message: string) => void;
export type MessageField = 'role' | 'content' | 'weight';

export interface FormatReader {
  /** The example's messages, or null when the line has none to check (the reason is reported). */
  read(line: Record<string, unknown>, report: Report): RawMessage[] | null;
  /** JSON path of a message (field omitted) or of one of its fields. */
  path(at: number, field?: MessageField): string;
  /** JSON path of the message list, for problems with the list as a whole. */
  listPath: string;
}

const BRIGHTRUN_KEYS = ['conversation_history', 'current_user_input', 'target_response'];

function looksLikeBrightrun(line: Record<string, unknown>): boolean {
  return !('messages' in line) && BRIGHTRUN_KEYS.some((key) => key in line);
}

function looksLikeChat(line: Record<string, unknown>): boolean {
  return Array.isArray(line.messages) && !BRIGHTRUN_KEYS.some((key) => key in line);
}

function wrongFormat(report: Report, found: DatasetFormat, declared: DatasetFormat, shape: string): null {
  report(
    'WRONG_FORMAT',
    '$',
    `This line looks like ${found} (${shape}) but the dataset was declared ${declared}: ` +
      `check it again as ${found} (the dataset page offers it; recheckDataset in the API), or convert the file.`,
  );
  return null;
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a list of {role, content, weight?} objects; entries that are not objects are reported and left out. */
function readMessageList(list: unknown[], path: (at: number) => string, report: Report): RawMessage[] {
  const messages: RawMessage[] = [];
  for (let at = 0; at < list.length; at++) {
    const item = list[at];
    if (!isObject(item)) {
      report('WRONG_TYPE', path(at), `Each message must be an object with role and content, not ${typeName(item)}.`);
      continue;
    }
    messages.push({ role: item.role, content: item.content, weight: item.weight, at });
  }
  return messages;
}

/** CHAT_JSONL: {"messages": [{"role", "content", "weight"?}, …]}. */
export const CHAT_READER: FormatReader = {
  listPath: '$.messages',
  path: (at, field) => (field ? `$.messages[${at}].${field}` : `$.messages[${at}]`),
  read(line, report) {
    const list = line.messages;
    if (list === undefined) {
      if (looksLikeBrightrun(line)) {
        return wrongFormat(report, 'BRIGHTRUN_LORA_V4', 'CHAT_JSONL', 'it has conversation_history, target_response…');
      }
      report('MISSING_FIELD', '$.messages', 'The line has no "messages" key: each line must be {"messages": [...]}.');
      return null;
    }
    if (!Array.isArray(list)) {
      report('WRONG_TYPE', '$.messages', `"messages" must be an array of messages, not ${typeName(list)}.`);
      return null;
    }
    if (list.length === 0) {
      report('EMPTY_MESSAGES', '$.messages', '"messages" is empty: add at least a user and an assistant message.');
      return null;
    }
    return readMessageList(list, (at) => CHAT_READER.path(at), report);
  },
};

// Where BRIGHTRUN_LORA_V4's fixed messages come from (history messages use their index, from 0).
const SYSTEM_PROMPT = -1;
const USER_INPUT = -2;
const TARGET_RESPONSE = -3;
const FIXED_PATHS: Record<number, string> = {
  [SYSTEM_PROMPT]: '$.system_prompt',
  [USER_INPUT]: '$.current_user_input',
  [TARGET_RESPONSE]: '$.target_response',
};

/**
 * BRIGHTRUN_LORA_V4: one training pair per line. Normalised to system_prompt, the history, the user input and
 * the target response; only the target response is trained on, so history assistant turns get weight 0.
 */
export const BRIGHTRUN_READER: FormatReader = {
  listPath: '$',
  path: (at, field) => FIXED_PATHS[at] ?? (field ? `$.conversation_history[${at}].${field}` : `$.conversation_history[${at}]`),
  read(line, report) {
    if (looksLikeChat(line)) {
      return wrongFormat(report, 'CHAT_JSONL', 'BRIGHTRUN_LORA_V4', 'it has a "messages" list');
    }
    const missing = (key: string, expected: string): void => report('MISSING_FIELD', `$.${key}`, `The training pair has no "${key}" (${expected}).`);
    /** True when the key holds the right type; reports it missing or mistyped otherwise. */
    const required = (key: string, expected: string, isRight: (value: unknown) => boolean): boolean => {
      const value = line[key];
      if (value === undefined) missing(key, expected);
      else if (!isRight(value)) report('WRONG_TYPE', `$.${key}`, `"${key}" must be ${expected}, not ${typeName(value)}.`);
      return value !== undefined && isRight(value);
    };

    if (required('conversation_id', 'a string', (value) => typeof value === 'string') && line.conversation_id === '') {
      report('INVALID_VALUE', '$.conversation_id', '"conversation_id" is empty: give the conversation an id.');
    }
    const turn = line.turn;
    if (required('turn', 'a whole number from 1', (value) => typeof value === 'number')) {
      if (!Number.isInteger(turn) || (turn as number) < 1) {
        report('INVALID_VALUE', '$.turn', `"turn" must be a whole number from 1, not ${String(turn)}.`);
      }
    }
    const system = line.system_prompt;
    if (system !== undefined && system !== null && typeof system !== 'string') {
      report('WRONG_TYPE', '$.system_prompt', `"system_prompt" must be a string when given, not ${typeName(system)}.`);
    }
    const history = line.conversation_history;
    const historyIsList = required('conversation_history', 'an array of {role, content}', Array.isArray);
    // The types and emptiness of the user input and target response are checked by the shared message rules.
    if (line.current_user_input === undefined) missing('current_user_input', 'a string');
    if (line.target_response === undefined) missing('target_response', 'a string');

    const messages: RawMessage[] = [];
    // An empty system_prompt means the conversation has none.
    if (typeof system === 'string' && system !== '') {
      messages.push({ role: 'system', content: system, weight: undefined, at: SYSTEM_PROMPT });
    }
    if (historyIsList) {
      for (const message of readMessageList(history as unknown[], (at) => BRIGHTRUN_READER.path(at), report)) {
        messages.push({ ...message, weight: message.role === 'assistant' ? 0 : undefined });
      }
    }
    if (line.current_user_input !== undefined) {
      messages.push({ role: 'user', content: line.current_user_input, weight: undefined, at: USER_INPUT });
    }
    if (line.target_response !== undefined) {
      messages.push({ role: 'assistant', content: line.target_response, weight: undefined, at: TARGET_RESPONSE });
    }
    return messages;
  },
};

export const FORMAT_READERS: Record<DatasetFormat, FormatReader> = {
  CHAT_JSONL: CHAT_READER,
  BRIGHTRUN_LORA_V4: BRIGHTRUN_READER,
};
