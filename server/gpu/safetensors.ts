// Writes safetensors files by streaming, tensor by tensor, and reads their header back.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { once } from 'node:events';

export type SafetensorsDtype = 'F16' | 'BF16' | 'F32';

export interface TensorSource {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Called once per element, in row-major order. */
  sample: () => number;
}

export interface SafetensorsHeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export interface SafetensorsHeader {
  /** Length in bytes of the JSON header (after the 8-byte length prefix). */
  headerSize: number;
  tensors: Record<string, SafetensorsHeaderEntry>;
  metadata: Record<string, string>;
  /** Bytes after the header, which should equal the largest end offset. */
  dataSize: number;
}

const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = { F16: 2, BF16: 2, F32: 4 };
const ELEMENTS_PER_CHUNK = 16_384;

/** Writes the tensors to path without holding more than one chunk in memory; returns size and sha256. */
export async function writeSafetensors(path: string, tensors: TensorSource[], metadata: Record<string, string> = { format: 'pt' }): Promise<{ size: number; sha256: string }> {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const tensor of tensors) {
    const bytes = elementCount(tensor.shape) * BYTES_PER_ELEMENT[tensor.dtype];
    header[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  // The format pads the header with spaces so the data starts 8-byte aligned.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(headerBytes.length));

  const hash = createHash('sha256');
  const out = createWriteStream(path);
  let size = 0;
  const write = async (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  try {
    await write(prefix);
    await write(headerBytes);
    for (const tensor of tensors) {
      let remaining = elementCount(tensor.shape);
      while (remaining > 0) {
        const count = Math.min(remaining, ELEMENTS_PER_CHUNK);
        await write(encodeChunk(tensor, count));
        remaining -= count;
      }
    }
    out.end();
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    throw error;
  }
  return { size, sha256: hash.digest('hex') };
}

/** Reads and checks the header of a safetensors file. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const file = await open(path, 'r');
  try {
    const prefix = Buffer.alloc(8);
    await file.read(prefix, 0, 8, 0);
    const headerSize = Number(prefix.readBigUInt64LE());
    const { size } = await stat(path);
    if (headerSize <= 0 || 8 + headerSize > size) throw new Error(`Bad safetensors header length ${headerSize}`);
    const headerBytes = Buffer.alloc(headerSize);
    await file.read(headerBytes, 0, headerSize, 8);
    const { __metadata__: metadata = {}, ...tensors } = JSON.parse(headerBytes.toString('utf8')) as Record<string, unknown>;
    return {
      headerSize,
      tensors: tensors as Record<string, SafetensorsHeaderEntry>,
      metadata: metadata as Record<string, string>,
      dataSize: size - 8 - headerSize,
    };
  } finally {
    await file.close();
  }
}

function elementCount(shape: number[]): number {
  return shape.reduce((product, n) => product * n, 1);
}

function encodeChunk(tensor: TensorSource, count: number): Buffer {
  const width = BYTES_PER_ELEMENT[tensor.dtype];
  const chunk = Buffer.alloc(count * width);
  for (let i = 0; i < count; i++) {
    const value = tensor.sample();
    if (tensor.dtype === 'F32') chunk.writeFloatLE(value, i * width);
    else if (tensor.dtype === 'F16') chunk.writeUInt16LE(float16Bits(value), i * width);
    else chunk.writeUInt16LE(bfloat16Bits(value), i * width);
  }
  return chunk;
}

const scratch = new DataView(new ArrayBuffer(4));

function float32Bits(value: number): number {
  scratch.setFloat32(0, value);
  return scratch.getUint32(0);
}

/** Rounds to the nearest bfloat16 (ties to even): the top half of the float32. */
export function bfloat16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7fc0;
  const bits = float32Bits(value);
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Rounds to the nearest IEEE half-precision float (ties to even). */
export function float16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const abs = Math.abs(value);
  // Rounded straight from the double: through a float32 first, a value just below a midpoint can round up twice.
  if (abs < 2 ** -14) return sign | roundHalfEven(abs * 2 ** 24); // subnormal (1024 is the smallest normal, as it should be)
  const exponent = doubleExponent(abs);
  let mantissa = roundHalfEven((abs / 2 ** exponent - 1) * 1024);
  let biased = exponent + 15;
  if (mantissa === 1024) {
    mantissa = 0;
    biased += 1;
  }
  if (biased >= 0x1f) return sign | 0x7c00; // overflow and infinity
  return sign | (biased << 10) | mantissa;
}

const float64 = new DataView(new ArrayBuffer(8));

/** The power of two of a positive normal double: floor(log2(x)), exactly. */
function doubleExponent(x: number): number {
  float64.setFloat64(0, x);
  return ((float64.getUint32(0) >>> 20) & 0x7ff) - 1023;
}

/** Rounds to the nearest integer, ties to even; exact for the scaled values above. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest !== 0.5) return rest < 0.5 ? floor : floor + 1;
  return floor + (floor & 1);
}
