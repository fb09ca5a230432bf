// Validation in a child process: the same report as in this process, the tokenizer never loaded here, and a
// file that cannot be read to the end fails the call instead of leaving a child behind.
import { describe, expect, it } from 'vitest';
import { loadedTokenizers } from '../../../server/datasets/tokenizers.js';
import { validateInChild } from '../../../server/datasets/validate-in-child.js';
import { validateDatasetStream } from '../../../server/datasets/validation/index.js';
import { chatLines, chunksOf, fileOf, MISTRAL } from './fixtures.js';

// Each test starts a Node process that compiles TypeScript and loads a tokenizer: seconds on a busy machine.
describe('validateInChild', { timeout: 30_000 }, () => {
  it('reports exactly what validating here would, without loading the tokenizer here', async () => {
    // Errors, a duplicate and 2,000 examples, read in 1 KiB chunks from one reused buffer: hundreds of chunks, far
    // more than may wait in the pipe at once.
    const lines = [...chatLines(2000), 'not json', chatLines(1)[0]!, '{"messages":[]}'];
    const data = fileOf(lines);
    const options = { format: 'CHAT_JSONL' as const, baseModel: MISTRAL };

    const inChild = await validateInChild(chunksOf(data, 1024, true), options);
    expect(loadedTokenizers()).toEqual([]);
    const here = await validateDatasetStream(chunksOf(data, 1024), options);
    expect(loadedTokenizers()).toEqual([MISTRAL.tokenizer]);

    expect(inChild).toEqual(here);
    expect(inChild.statistics.examples).toBe(2001);
    expect(inChild.statistics.duplicates).toBe(1);
    expect(inChild.errorCount).toBeGreaterThanOrEqual(2);
    expect(inChild.tokenCountsExact).toBe(true);
  });

  it('fails when the file cannot be read to the end', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield fileOf(chatLines(20));
      throw new Error('storage went away');
    }
    await expect(validateInChild(broken(), { format: 'CHAT_JSONL', baseModel: MISTRAL })).rejects.toThrow('storage went away');
  });
});
