// The safetensors writer: valid layout, streamed data, and correct half-precision rounding.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bfloat16Bits, float16Bits, readSafetensorsHeader, writeSafetensors } from '../../../server/gpu/safetensors.js';

const dir = await mkdtemp(join(tmpdir(), 'safetensors-test-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('writeSafetensors', () => {
  it('writes a header, aligned data and the sha256 of the whole file', async () => {
    const path = join(dir, 'small.safetensors');
    let n = 0;
    const result = await writeSafetensors(path, [
      { name: 'a', dtype: 'F32', shape: [2, 3], sample: () => n++ },
      { name: 'b', dtype: 'F16', shape: [40_000], sample: () => 0.5 },
      { name: 'c', dtype: 'BF16', shape: [1], sample: () => -2 },
    ]);
    const bytes = await readFile(path);
    expect(result.size).toBe(bytes.length);
    expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));

    const header = await readSafetensorsHeader(path);
    expect(header.headerSize % 8).toBe(0);
    expect(header.metadata).toEqual({ format: 'pt' });
    expect(header.tensors.a).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header.tensors.b).toEqual({ dtype: 'F16', shape: [40_000], data_offsets: [24, 80_024] });
    expect(header.tensors.c).toEqual({ dtype: 'BF16', shape: [1], data_offsets: [80_024, 80_026] });
    expect(header.dataSize).toBe(80_026);

    const data = bytes.subarray(8 + header.headerSize);
    expect([0, 1, 2, 3, 4, 5].map((i) => data.readFloatLE(i * 4))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(data.readUInt16LE(24)).toBe(0x3800); // 0.5 in F16
    expect(data.readUInt16LE(80_024)).toBe(0xc000); // -2 in BF16
  });
});

describe('half-precision rounding', () => {
  it('matches the platform Float16Array, subnormals and overflow included', () => {
    // Node 24 has Float16Array; TypeScript's ES2023 lib does not declare it.
    const { Float16Array } = globalThis as unknown as { Float16Array: new (length: number) => Float32Array };
    const reference = new Float16Array(1);
    const bits = new Uint16Array(reference.buffer);
    const values = [0, -0, 1, -1, 0.1, 65504, 65520, 1e6, 6.1e-5, 5.96e-8, 2.98e-8, 1e-9, Math.PI, -123.456, 0.000123];
    // Just below a midpoint: rounding through a float32 first lands on the midpoint, then rounds up (seen in CI).
    values.push(-504.3749895906772, 1 + 2 ** -11 - 2 ** -40, 2 ** -24 * 1.5 - 2 ** -60, 65519.99);
    for (let i = 0; i < 2000; i++) values.push((Math.random() - 0.5) * 10 ** (Math.random() * 12 - 8));
    for (const value of values) {
      reference[0] = value;
      expect(float16Bits(value), String(value)).toBe(bits[0]);
    }
  });

  it('rounds bfloat16 to nearest even', () => {
    expect(bfloat16Bits(1)).toBe(0x3f80);
    expect(bfloat16Bits(-2)).toBe(0xc000);
    expect(bfloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie, stays even
    expect(bfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie, rounds up to even
  });
});
