// The validator's rules: each kind of bad input is reported with its exact line, path and code.
import { describe, expect, it } from 'vitest';
import { ISSUE_CODES } from '../../../server/datasets/validation/index.js';
import { chatLine, chatLines, FALCON, fileOf, lineCodes, validate } from './fixtures.js';

const message = (role: unknown, content: unknown, extra: object = {}) => ({ role, content, ...extra });
const example = (...messages: object[]) => JSON.stringify({ messages });

describe('validateDatasetStream: rules', () => {
  it('reports exactly five kinds of errors on their known lines, and counts the rest', async () => {
    const lines = chatLines(15);
    lines[2] = '{"messages": [{"role": "user", "content": "unterminated"'; // line 3
    lines[5] = example(message('user', 'Hi'), message('bot', 'Hello')); // line 6
    lines[8] = example(message('system', 'Be kind.'), message('user', 'Hi')); // line 9
    lines[11] = example(message('user', 'Hi'), message('assistant', '   ')); // line 12
    lines[13] = example(message('user', 'Hi'), message('assistant', 'Yo', { weight: 2 })); // line 14

    const report = await validate(fileOf(lines));

    expect(report.issues.map(({ line, path, code, severity }) => ({ line, path, code, severity }))).toEqual([
      { line: 3, path: '$', code: 'INVALID_JSON', severity: 'ERROR' },
      { line: 6, path: '$.messages[1].role', code: 'INVALID_ROLE', severity: 'ERROR' },
      { line: 9, path: '$.messages', code: 'NO_ASSISTANT_MESSAGE', severity: 'ERROR' },
      { line: 12, path: '$.messages[1].content', code: 'EMPTY_CONTENT', severity: 'ERROR' },
      { line: 14, path: '$.messages[1].weight', code: 'INVALID_WEIGHT', severity: 'ERROR' },
    ]);
    expect(report).toMatchObject({ valid: false, errorCount: 5, warningCount: 0, truncated: false });
    expect(report.statistics.examples).toBe(10);
    for (const issue of report.issues) expect(issue.message.length).toBeGreaterThan(20);
  });

  it('reports a nesting bomb as one error on its line instead of overflowing the stack', async () => {
    const lines = chatLines(12);
    const bomb = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    lines[4] = `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo", "weight": ${bomb}}]}`; // line 5
    lines[7] = example(message('user', 'Hi'), message('assistant', 'Yo', { weight: [[1]] })); // line 8: nested, but shallow
    const report = await validate(fileOf(lines));
    expect(lineCodes(report)).toEqual([
      [5, 'TOO_DEEPLY_NESTED'],
      [8, 'INVALID_WEIGHT'],
    ]);
    expect(report.issues[1]!.message).toMatch(/not an array/);
    expect(report.statistics.examples).toBe(10);
  });

  it('reports an empty file once, at line 0', async () => {
    const report = await validate('');
    expect(lineCodes(report)).toEqual([[0, 'EMPTY_FILE']]);
    expect(report.valid).toBe(false);
    expect(report.statistics.examples).toBe(0);
    expect(report.statistics.histogram).toEqual([]);
  });

  it('treats a file of blank lines as empty and warns about each blank line', async () => {
    const report = await validate('\n  \n\r\n');
    expect(lineCodes(report)).toEqual([
      [0, 'EMPTY_FILE'],
      [1, 'BLANK_LINE'],
      [2, 'BLANK_LINE'],
      [3, 'BLANK_LINE'],
    ]);
    expect(report.statistics.emptyLines).toBe(3);
  });

  it('reports every line of a file that is not JSON at all', async () => {
    const csv = ['role,content', 'user,hello', 'assistant,hi there', 'user,bye'].join('\n');
    const report = await validate(csv);
    expect(lineCodes(report)).toEqual([
      [0, 'TOO_FEW_EXAMPLES'],
      [1, 'INVALID_JSON'],
      [2, 'INVALID_JSON'],
      [3, 'INVALID_JSON'],
      [4, 'INVALID_JSON'],
    ]);
    expect(report.issues[1]!.message).toMatch(/not valid JSON/);
  });

  it('finds one malformed line among thousands and still counts all the others', async () => {
    const lines = chatLines(5000);
    lines[2999] = lines[2999]!.slice(0, -2);
    const report = await validate(fileOf(lines));
    expect(lineCodes(report)).toEqual([[3000, 'INVALID_JSON']]);
    expect(report.statistics.examples).toBe(4999);
    expect(report.statistics.roleCounts).toEqual({ system: 4999, user: 4999, assistant: 4999 });
  });

  it('reports invalid UTF-8 on its line and reads the lines around it', async () => {
    const latin1 = Buffer.from(chatLine(99).replace('What', 'Qu\u00e9'), 'latin1');
    const data = Buffer.concat([fileOf(chatLines(5)), latin1, Buffer.from('\n'), fileOf(chatLines(6, 6))]);
    const report = await validate(data);
    expect(lineCodes(report)).toEqual([[6, 'INVALID_UTF8']]);
    expect(report.statistics.examples).toBe(11);
    expect(report.valid).toBe(false);
  });

  it('reports wrong, missing and misplaced roles', async () => {
    const lines = chatLines(10);
    lines.push(example(message('user', 'Hi'), message('Assistant', 'Hello'), message('assistant', 'Hey'))); // 11
    lines.push(example(message(undefined, 'Hi'), message('assistant', 'Hello'))); // 12
    lines.push(example(message(7, 'Hi'), message('assistant', 'Hello'))); // 13
    lines.push(example(message('user', 'Hi'), message('system', 'Be kind.'), message('assistant', 'Hey'))); // 14
    const report = await validate(fileOf(lines));
    expect(report.issues.map(({ line, path, code }) => [line, path, code])).toEqual([
      [11, '$.messages[1].role', 'INVALID_ROLE'],
      [12, '$.messages[0].role', 'MISSING_FIELD'],
      [13, '$.messages[0].role', 'INVALID_ROLE'],
      [14, '$.messages[1].role', 'SYSTEM_NOT_FIRST'],
    ]);
    expect(report.issues[0]!.message).toContain('"Assistant"');
    expect(report.issues[2]!.message).toContain('a number');
  });

  it('requires an assistant turn and warns when every assistant turn has weight 0', async () => {
    const lines = chatLines(10);
    lines.push(example(message('user', 'Hi'))); // 11
    lines.push(example(message('user', 'Hi'), message('assistant', 'Hello', { weight: 0 }))); // 12
    lines.push(example(message('user', 'Hi', { weight: 1 }), message('assistant', 'Hello'))); // 13
    const report = await validate(fileOf(lines));
    expect(report.issues.map(({ line, path, code }) => [line, path, code])).toEqual([
      [11, '$.messages', 'NO_ASSISTANT_MESSAGE'],
      [12, '$.messages', 'NOTHING_TO_TRAIN'],
      [13, '$.messages[0].weight', 'WEIGHT_NOT_ALLOWED'],
    ]);
    // The weight-0 example is valid (a warning), adds an assistant message but no training pair.
    expect(report.statistics).toMatchObject({ examples: 11, trainingPairs: 10 });
    expect(report.statistics.roleCounts.assistant).toBe(11);
  });

  it('reports empty, missing and mistyped content and message lists', async () => {
    const lines = chatLines(10);
    lines.push(example(message('user', ''), message('assistant', 'Hello'))); // 11
    lines.push(example(message('user', 'Hi'), message('assistant', null))); // 12
    lines.push(example(message('user', 'Hi'), { role: 'assistant' })); // 13
    lines.push(JSON.stringify({ messages: [] })); // 14
    lines.push(JSON.stringify({ messages: 'Hi' })); // 15
    lines.push(JSON.stringify({ prompt: 'Hi', completion: 'Hello' })); // 16
    lines.push(JSON.stringify({ messages: ['Hi', message('assistant', 'Hello')] })); // 17
    lines.push('[1, 2, 3]'); // 18
    const report = await validate(fileOf(lines));
    expect(report.issues.map(({ line, path, code }) => [line, path, code])).toEqual([
      [11, '$.messages[0].content', 'EMPTY_CONTENT'],
      [12, '$.messages[1].content', 'WRONG_TYPE'],
      [13, '$.messages[1].content', 'MISSING_FIELD'],
      [14, '$.messages', 'EMPTY_MESSAGES'],
      [15, '$.messages', 'WRONG_TYPE'],
      [16, '$.messages', 'MISSING_FIELD'],
      [17, '$.messages[0]', 'WRONG_TYPE'],
      [18, '$', 'NOT_AN_OBJECT'],
    ]);
  });

  it('needs at least 10 valid examples', async () => {
    const nine = await validate(fileOf(chatLines(9)));
    expect(lineCodes(nine)).toEqual([[0, 'TOO_FEW_EXAMPLES']]);
    expect(nine.issues[0]!.message).toContain('9 valid examples');
    const ten = await validate(fileOf(chatLines(10)));
    expect(ten).toMatchObject({ valid: true, errorCount: 0, issues: [] });
  });

  it('warns about duplicates, naming the line of the first copy, whatever the JSON formatting', async () => {
    const lines = chatLines(10);
    const copy = JSON.parse(lines[1]!) as { messages: { role: string; content: string }[] };
    // Same messages, other key order and spacing.
    lines.push(JSON.stringify({ messages: copy.messages.map(({ role, content }) => ({ content, role })) }, null, 0).replace(/,/g, ', '));
    lines.push(lines[1]!);
    const report = await validate(fileOf(lines));
    expect(lineCodes(report)).toEqual([
      [11, 'DUPLICATE_EXAMPLE'],
      [12, 'DUPLICATE_EXAMPLE'],
    ]);
    expect(report.issues[0]!.message).toContain('line 2');
    expect(report.statistics).toMatchObject({ examples: 12, duplicates: 2 });
    expect(report.valid).toBe(true);
  });

  it("warns about examples longer than the model's context and still counts them", async () => {
    const lines = chatLines(10);
    lines.push(example(message('user', 'Summarise this.'), message('assistant', 'word '.repeat(3000)))); // 15,000 bytes
    const report = await validate(fileOf(lines), { baseModel: FALCON });
    expect(lineCodes(report)).toEqual([[11, 'EXAMPLE_TOO_LONG']]);
    expect(report.issues[0]!.message).toContain('2048');
    expect(report.statistics.examplesOverContext).toBe(1);
    expect(report).toMatchObject({ valid: true, tokenCountsExact: false });
    expect(report.tokenizer).toMatch(/estimate/);
  });

  it('stores only the first issues when capped but counts every one', async () => {
    const lines = [...Array.from({ length: 2500 }, () => 'oops'), ...chatLines(5)];
    const report = await validate(fileOf(lines), { maxStoredIssues: 100 });
    expect(report.issues).toHaveLength(100);
    expect(report.truncated).toBe(true);
    expect(report.countsByCode).toEqual({ INVALID_JSON: 2500, TOO_FEW_EXAMPLES: 1 });
    expect(report.errorCount).toBe(2501);
    // The file-level error is kept first; line issues follow in line order.
    expect(report.issues[0]!.code).toBe('TOO_FEW_EXAMPLES');
    expect(report.issues.slice(1).map((issue) => issue.line)).toEqual(Array.from({ length: 99 }, (_, i) => i + 1));
  });

  it('documents every code it can report', () => {
    for (const [code, { severity, meaning }] of Object.entries(ISSUE_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(['ERROR', 'WARNING']).toContain(severity);
      expect(meaning.length).toBeGreaterThan(10);
    }
  });
});
