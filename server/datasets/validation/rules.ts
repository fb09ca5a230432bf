// The rules every example obeys whatever its format: roles, system first, an assistant turn, content, weights.
import type { FormatReader, RawMessage, Report } from './formats.js';
import { typeName } from './formats.js';

export type Role = 'system' | 'user' | 'assistant';

/** A message that passed every rule. */
export interface Message {
  role: Role;
  content: string;
  /** False for assistant messages with weight 0 and for all other roles. */
  trained: boolean;
}

const ROLES: ReadonlySet<unknown> = new Set(['system', 'user', 'assistant']);
const HAS_TEXT = /\S/;

/** Checks each message and returns them typed; the caller knows from its report whether any rule was broken. */
export function checkMessages(raw: RawMessage[], reader: FormatReader, report: Report): Message[] {
  const messages: Message[] = [];
  for (let index = 0; index < raw.length; index++) {
    const { role, content, weight, at } = raw[index]!;
    if (role === undefined) {
      report('MISSING_FIELD', reader.path(at, 'role'), 'The message has no "role": use system, user or assistant.');
    } else if (!ROLES.has(role)) {
      const found = typeof role === 'string' ? `"${role}"` : typeName(role);
      report('INVALID_ROLE', reader.path(at, 'role'), `The role ${found} is not one of system, user, assistant.`);
    } else if (role === 'system' && index > 0) {
      report('SYSTEM_NOT_FIRST', reader.path(at, 'role'), 'A system message may only be the first message; move it up or merge it.');
    }

    if (content === undefined) {
      report('MISSING_FIELD', reader.path(at, 'content'), 'The message has no "content".');
    } else if (typeof content !== 'string') {
      report('WRONG_TYPE', reader.path(at, 'content'), `The content must be a string, not ${typeName(content)}.`);
    } else if (!HAS_TEXT.test(content)) {
      report('EMPTY_CONTENT', reader.path(at, 'content'), 'The content is empty: write the message or remove it.');
    }

    if (weight !== undefined && role !== 'assistant') {
      report('WEIGHT_NOT_ALLOWED', reader.path(at, 'weight'), 'Only assistant messages may carry a weight; remove it.');
    } else if (weight !== undefined && weight !== 0 && weight !== 1) {
      report(
        'INVALID_WEIGHT',
        reader.path(at, 'weight'),
        `The weight must be 0 or 1, not ${typeof weight === 'object' && weight !== null ? typeName(weight) : JSON.stringify(weight)}.`,
      );
    }

    messages.push({ role: role as Role, content: content as string, trained: role === 'assistant' && weight !== 0 });
  }
  return messages;
}

/**
 * Checks the example has something to learn: an assistant message, trained on. Call it only for messages that
 * passed checkMessages, so that a misspelt role or a missing target is not reported twice.
 */
export function checkTraining(messages: Message[], reader: FormatReader, report: Report): void {
  if (!messages.some((message) => message.role === 'assistant')) {
    report('NO_ASSISTANT_MESSAGE', reader.listPath, 'The example has no assistant message: add the answer the model should learn.');
  } else if (!messages.some((message) => message.trained)) {
    report('NOTHING_TO_TRAIN', reader.listPath, 'Every assistant message has weight 0, so this example teaches nothing.');
  }
}
