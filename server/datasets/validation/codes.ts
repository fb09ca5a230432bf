// Every problem the dataset validator reports: its stable code, severity and meaning (this list is documentation).

export type Severity = 'ERROR' | 'WARNING';

export const ISSUE_CODES = {
  EMPTY_FILE: { severity: 'ERROR', meaning: 'The file holds no data: it is empty or has only blank lines.' },
  TOO_FEW_EXAMPLES: { severity: 'ERROR', meaning: 'Fewer than 10 valid examples: too few to fine-tune on.' },
  LINE_TOO_LONG: { severity: 'ERROR', meaning: 'The line is longer than the byte limit and was skipped unread.' },
  INVALID_UTF8: { severity: 'ERROR', meaning: 'The line is not valid UTF-8 text.' },
  INVALID_JSON: { severity: 'ERROR', meaning: 'The line is not valid JSON.' },
  NOT_AN_OBJECT: { severity: 'ERROR', meaning: 'The line is JSON but not an object.' },
  TOO_DEEPLY_NESTED: { severity: 'ERROR', meaning: 'The line nests arrays and objects deeper than any example needs; it was skipped unread.' },
  VALIDATION_FAILED: { severity: 'ERROR', meaning: 'The validator could not finish reading the file; the dataset cannot be used as it is.' },
  WRONG_FORMAT: {
    severity: 'ERROR',
    meaning: 'The line is in the other dataset format (CHAT_JSONL or BRIGHTRUN_LORA_V4) than the one declared.',
  },
  MISSING_FIELD: { severity: 'ERROR', meaning: 'A required key is missing.' },
  WRONG_TYPE: { severity: 'ERROR', meaning: 'A value has the wrong JSON type.' },
  INVALID_VALUE: { severity: 'ERROR', meaning: 'A value has the right type but is out of range.' },
  EMPTY_MESSAGES: { severity: 'ERROR', meaning: 'The example has no messages.' },
  INVALID_ROLE: { severity: 'ERROR', meaning: 'A role is not one of system, user, assistant.' },
  SYSTEM_NOT_FIRST: { severity: 'ERROR', meaning: 'A system message appears after the first message.' },
  NO_ASSISTANT_MESSAGE: { severity: 'ERROR', meaning: 'The example has no assistant message to learn from.' },
  EMPTY_CONTENT: { severity: 'ERROR', meaning: 'A message has empty or whitespace-only content.' },
  INVALID_WEIGHT: { severity: 'ERROR', meaning: 'A weight is not 0 or 1.' },
  WEIGHT_NOT_ALLOWED: { severity: 'ERROR', meaning: 'A weight is set on a message that is not from the assistant.' },
  BLANK_LINE: { severity: 'WARNING', meaning: 'The line is blank; it is skipped.' },
  DUPLICATE_EXAMPLE: { severity: 'WARNING', meaning: 'The example repeats an earlier one (same roles and contents).' },
  EXAMPLE_TOO_LONG: {
    severity: 'WARNING',
    meaning: "The example has more tokens than the base model's context length; training would truncate it.",
  },
  NOTHING_TO_TRAIN: { severity: 'WARNING', meaning: 'Every assistant message has weight 0, so the example trains nothing.' },
} as const satisfies Record<string, { severity: Severity; meaning: string }>;

export type IssueCode = keyof typeof ISSUE_CODES;
