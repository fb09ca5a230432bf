// Dataset lines, chunked streams and report helpers shared by the validator tests.
import { findBaseModel, type BaseModel } from '../../../server/catalog/base-models.js';
import { validateDatasetStream, type ValidateOptions, type ValidationReport } from '../../../server/datasets/validation/index.js';

export const MISTRAL: BaseModel = findBaseModel('mistralai/Mistral-7B-v0.1')!;
export const FALCON: BaseModel = findBaseModel('tiiuae/falcon-7b')!;

/** A valid CHAT_JSONL example, different for each n. */
export function chatLine(n: number): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'You answer questions about LoRA fine-tuning.' },
      { role: 'user', content: `What is rank number ${n} for?` },
      { role: 'assistant', content: `Rank ${n} sets the size of the adapter matrices.` },
    ],
  });
}

export function chatLines(count: number, first = 1): string[] {
  return Array.from({ length: count }, (_, index) => chatLine(first + index));
}

/** The bytes of a file made of these lines, each ending in \n. */
export function fileOf(lines: string[]): Buffer {
  return Buffer.from(lines.map((line) => `${line}\n`).join(''));
}

/** Yields the data in chunks of `size` bytes, as fresh views (or one reused buffer, like some producers). */
export async function* chunksOf(data: Uint8Array, size: number, reuseBuffer = false): AsyncGenerator<Uint8Array> {
  const buffer = new Uint8Array(size);
  for (let start = 0; start < data.length; start += size) {
    const piece = data.subarray(start, start + size);
    if (!reuseBuffer) {
      yield piece;
      continue;
    }
    buffer.set(piece);
    yield buffer.subarray(0, piece.length);
  }
}

export function validate(data: string | Uint8Array, options: Partial<ValidateOptions> & { chunkSize?: number } = {}): Promise<ValidationReport> {
  const { chunkSize = 64 * 1024, ...rest } = options;
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  return validateDatasetStream(chunksOf(bytes, chunkSize), { format: 'CHAT_JSONL', baseModel: MISTRAL, ...rest });
}

/** The stored issues as [line, code] pairs, for compact assertions. */
export function lineCodes(report: ValidationReport): [number, string][] {
  return report.issues.map((issue) => [issue.line, issue.code]);
}
