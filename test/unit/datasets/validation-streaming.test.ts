// Streaming: chunk boundaries anywhere, line endings, over-long lines, and memory that does not follow line length.
import { describe, expect, it } from 'vitest';
import { validateDatasetStream } from '../../../server/datasets/validation/index.js';
import { StatisticsCollector } from '../../../server/datasets/validation/statistics.js';
import { chatLine, chatLines, chunksOf, fileOf, lineCodes, MISTRAL, validate } from './fixtures.js';

/** A file exercising every reading path: CRLF, blank lines, multi-byte text, bad bytes, an over-long line, no final newline. */
function awkwardFile(): Buffer {
  const unicode = JSON.stringify({
    messages: [
      { role: 'user', content: 'Übersetze: 東京の天気は？ 🦙' },
      { role: 'assistant', content: 'Tokyo weather? ☀️ — sunny, 25 °C.' },
    ],
  });
  return Buffer.concat([
    Buffer.from(`\ufeff${chatLine(1)}\r\n`), // 1, with a byte order mark
    Buffer.from(`${unicode}\n`), // 2
    Buffer.from('\n'), // 3
    Buffer.from(`${chatLines(4, 2).join('\r\n')}\r\n`), // 4–7
    Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]), // 8: {"<bad bytes>"}
    Buffer.from(`{"messages": "${'x'.repeat(400)}"}\n`), // 9: over the 300-byte limit below
    Buffer.from(`${chatLines(6, 6).join('\n')}\n`), // 10–15
    Buffer.from('{"messages": [}\n'), // 16
    Buffer.from(chatLine(12)), // 17, no final newline
  ]);
}

describe('validateDatasetStream: streaming', () => {
  it('gives identical reports whatever the chunk size', async () => {
    const data = awkwardFile();
    const reports = await Promise.all([1, 7, 64 * 1024].map((chunkSize) => validate(data, { chunkSize, maxLineBytes: 300 })));
    expect(lineCodes(reports[0]!)).toEqual([
      [3, 'BLANK_LINE'],
      [8, 'INVALID_UTF8'],
      [9, 'LINE_TOO_LONG'],
      [16, 'INVALID_JSON'],
    ]);
    expect(reports[0]!.statistics).toMatchObject({ examples: 13, emptyLines: 1 });
    expect(reports[1]).toEqual(reports[0]);
    expect(reports[2]).toEqual(reports[0]);
  });

  it('gives identical reports when the producer reuses its buffer between chunks', async () => {
    const data = awkwardFile();
    const fresh = await validate(data, { chunkSize: 5, maxLineBytes: 300 });
    const reused = await validateDatasetStream(chunksOf(data, 5, true), {
      format: 'CHAT_JSONL',
      baseModel: MISTRAL,
      maxLineBytes: 300,
    });
    expect(reused).toEqual(fresh);
  });

  it('reads a last line without a newline, and does not invent one after a final newline', async () => {
    const lines = chatLines(10);
    const withNewline = await validate(fileOf(lines));
    const without = await validate(fileOf(lines).subarray(0, -1));
    expect(without).toEqual(withNewline);
    expect(without.statistics.examples).toBe(10);
    expect(without.statistics.emptyLines).toBe(0);
  });

  it('skips a 50 MB line over the limit without holding it, then reads on', async () => {
    const chunk = 64 * 1024;
    const total = 50 * 1024 * 1024;
    let peakGrowth = 0;
    async function* hugeLineThenExamples(): AsyncGenerator<Uint8Array> {
      // One reused buffer: any growth in array buffer memory is the validator keeping what it was given.
      const buffer = Buffer.alloc(chunk, 'a');
      buffer.write('{"messages": [{"role": "user", "content": "');
      const before = process.memoryUsage().arrayBuffers;
      for (let sent = 0; sent < total; sent += chunk) {
        yield buffer;
        peakGrowth = Math.max(peakGrowth, process.memoryUsage().arrayBuffers - before);
      }
      yield fileOf(['"}]}', ...chatLines(10)]);
    }
    const report = await validateDatasetStream(hugeLineThenExamples(), {
      format: 'CHAT_JSONL',
      baseModel: MISTRAL,
      maxLineBytes: 1024 * 1024,
    });
    expect(lineCodes(report)).toEqual([[1, 'LINE_TOO_LONG']]);
    expect(report.issues[0]!.message).toContain('1 MiB');
    expect(report.statistics.examples).toBe(10);
    expect(peakGrowth).toBeLessThan(8 * 1024 * 1024);
  });

  it('parses a single 50 MB line within the default limit and counts its tokens', async () => {
    const words = ['adapter', 'rank', 'alpha', 'dropout', 'learning', 'rate', 'epoch', 'batch'];
    const content = Array.from({ length: 7_500_000 }, (_, i) => words[(i * 7) % words.length]).join(' ');
    const line = JSON.stringify({
      messages: [
        { role: 'user', content: 'Repeat.' },
        { role: 'assistant', content },
      ],
    });
    expect(line.length).toBeGreaterThan(45 * 1024 * 1024);
    const report = await validate(fileOf([line, ...chatLines(10)]));
    expect(lineCodes(report)).toEqual([[1, 'EXAMPLE_TOO_LONG']]);
    expect(report.statistics.examples).toBe(11);
    expect(report.statistics.tokensPerExample.max).toBeGreaterThan(7_500_000);
  }, 120_000);
});

describe('StatisticsCollector', () => {
  it('computes exact min, mean, p95 and max, and a histogram of about 20 round buckets', () => {
    const statistics = new StatisticsCollector(4096);
    for (let tokens = 1; tokens <= 100; tokens++) {
      statistics.addExample([{ role: 'assistant', content: 'x', trained: true }], tokens);
    }
    const result = statistics.result();
    expect(result.tokensPerExample).toEqual({ min: 1, mean: 50.5, p95: 95, max: 100 });
    expect(result.histogram.length).toBeGreaterThanOrEqual(10);
    expect(result.histogram.length).toBeLessThanOrEqual(21);
    expect(result.histogram.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(100);
    expect(result.histogram[0]).toEqual({ bucketStart: 0, count: 4 });
    expect(result.histogram[1]).toEqual({ bucketStart: 5, count: 5 });
  });
});
