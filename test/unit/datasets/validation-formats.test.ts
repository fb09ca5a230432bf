// BRIGHTRUN_LORA_V4 training pairs: their own rules, the same statistics as CHAT_JSONL, and the wrong format declared.
import { describe, expect, it } from 'vitest';
import { chatLines, fileOf, lineCodes, validate } from './fixtures.js';

interface Pair {
  conversation_id: string;
  turn: number;
  system_prompt?: string;
  conversation_history: { role: string; content: string }[];
  current_user_input: string;
  target_response: string;
}

/** The nth BrightRun pair: a second turn with one exchange of history. */
function pair(n: number): Pair {
  return {
    conversation_id: `conv-${n}`,
    turn: 2,
    system_prompt: 'You are a patient tutor.',
    conversation_history: [
      { role: 'user', content: `Explain topic ${n}.` },
      { role: 'assistant', content: `Topic ${n} is about adapters.` },
    ],
    current_user_input: 'Can you give an example?',
    target_response: `For topic ${n}, a rank-8 adapter on the attention layers.`,
  };
}

/** The CHAT_JSONL example that pair(n) normalises to: only the target response is trained on. */
function chatEquivalent(n: number): string {
  const p = pair(n);
  return JSON.stringify({
    messages: [
      { role: 'system', content: p.system_prompt },
      ...p.conversation_history.map((m) => (m.role === 'assistant' ? { ...m, weight: 0 } : m)),
      { role: 'user', content: p.current_user_input },
      { role: 'assistant', content: p.target_response },
    ],
  });
}

const pairLines = (count: number): string[] => Array.from({ length: count }, (_, i) => JSON.stringify(pair(i + 1)));

describe('validateDatasetStream: BRIGHTRUN_LORA_V4', () => {
  it('accepts valid training pairs, one trained turn per line', async () => {
    const report = await validate(fileOf(pairLines(12)), { format: 'BRIGHTRUN_LORA_V4' });
    expect(report).toMatchObject({ valid: true, errorCount: 0, warningCount: 0 });
    expect(report.statistics).toMatchObject({
      examples: 12,
      trainingPairs: 12,
      roleCounts: { system: 12, user: 24, assistant: 24 },
    });
  });

  it('gives the same statistics as the equivalent CHAT_JSONL file', async () => {
    const count = 40;
    const brightrun = await validate(fileOf(pairLines(count)), { format: 'BRIGHTRUN_LORA_V4' });
    const chat = await validate(fileOf(Array.from({ length: count }, (_, i) => chatEquivalent(i + 1))));
    expect(brightrun.statistics).toEqual(chat.statistics);
    expect(brightrun.statistics.totalTokens).toBeGreaterThan(count * 30);
    expect(brightrun.valid && chat.valid).toBe(true);
  });

  it('reports missing and mistyped keys with their paths', async () => {
    const bad = (change: (p: Record<string, unknown>) => void): string => {
      const p = pair(99) as unknown as Record<string, unknown>;
      change(p);
      return JSON.stringify(p);
    };
    const lines = [
      ...pairLines(10),
      bad((p) => delete p.target_response), // 11
      bad((p) => (p.turn = 0)), // 12
      bad((p) => (p.turn = '2')), // 13
      bad((p) => (p.conversation_history = 'none')), // 14
      bad((p) => (p.conversation_history = [{ role: 'robot', content: 'beep' }])), // 15
      bad((p) => (p.current_user_input = '')), // 16
      bad((p) => delete p.conversation_id), // 17
    ];
    const report = await validate(fileOf(lines), { format: 'BRIGHTRUN_LORA_V4' });
    expect(report.issues.map(({ line, path, code }) => [line, path, code])).toEqual([
      [11, '$.target_response', 'MISSING_FIELD'],
      [12, '$.turn', 'INVALID_VALUE'],
      [13, '$.turn', 'WRONG_TYPE'],
      [14, '$.conversation_history', 'WRONG_TYPE'],
      [15, '$.conversation_history[0].role', 'INVALID_ROLE'],
      [16, '$.current_user_input', 'EMPTY_CONTENT'],
      [17, '$.conversation_id', 'MISSING_FIELD'],
    ]);
  });

  it('allows no system prompt and an empty history', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => {
      const { system_prompt: _system, ...rest } = pair(i + 1);
      return JSON.stringify({ ...rest, turn: 1, conversation_history: [] });
    });
    const report = await validate(fileOf(lines), { format: 'BRIGHTRUN_LORA_V4' });
    expect(report.valid).toBe(true);
    expect(report.statistics.roleCounts).toEqual({ system: 0, user: 10, assistant: 10 });
  });
});

describe('validateDatasetStream: the wrong format declared', () => {
  it('flags every BrightRun line of a file declared CHAT_JSONL, naming the right format', async () => {
    const report = await validate(fileOf(pairLines(12)), { format: 'CHAT_JSONL' });
    expect(report.countsByCode).toEqual({ WRONG_FORMAT: 12, TOO_FEW_EXAMPLES: 1 });
    expect(report.issues[1]).toMatchObject({ line: 1, path: '$', code: 'WRONG_FORMAT' });
    expect(report.issues[1]!.message).toContain('BRIGHTRUN_LORA_V4');
  });

  it('flags every chat line of a file declared BRIGHTRUN_LORA_V4, naming the right format', async () => {
    const report = await validate(fileOf(chatLines(12)), { format: 'BRIGHTRUN_LORA_V4' });
    expect(lineCodes(report).slice(0, 3)).toEqual([
      [0, 'TOO_FEW_EXAMPLES'],
      [1, 'WRONG_FORMAT'],
      [2, 'WRONG_FORMAT'],
    ]);
    expect(report.countsByCode.WRONG_FORMAT).toBe(12);
    expect(report.issues[1]!.message).toContain('CHAT_JSONL');
  });
});
