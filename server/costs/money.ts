// Money: whole micro-dollars (bigint), turned into a decimal string only at the end, so no binary-float rounding
// (0.1 + 0.2) can reach a price; and the one pricing rule for GPU time, which estimates and billing share.
import type { GpuType } from '../gpu/provider.js';
import { GPU_TYPES } from '../catalog/training.js';

const MICROS_PER_USD = 1_000_000n;
const SECONDS_PER_HOUR = 3600n;
const ZERO = '0'.charCodeAt(0);
const RATE_MICROS_PER_HOUR = new Map(GPU_TYPES.map((spec) => [spec.type, usdToMicros(spec.hourlyRateUsd)]));

/** "3.50" → 3500000n. Accepts up to six decimals; throws on anything else. */
export function usdToMicros(usd: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(usd);
  if (!match) throw new Error(`Not a USD amount with at most six decimals: "${usd}"`);
  return BigInt(match[1]!) * MICROS_PER_USD + BigInt((match[2] ?? '').padEnd(6, '0'));
}

/** 3500000n → "3.50", 1700417n → "1.700417": two to six decimals, trailing zeros past the cents dropped. */
export function microsToUsd(micros: bigint): string {
  const negative = micros < 0n;
  const digits = (negative ? -micros : micros).toString().padStart(7, '0');
  const point = digits.length - 6;
  let end = digits.length;
  while (end > point + 2 && digits.charCodeAt(end - 1) === ZERO) end--;
  return `${negative ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point, end)}`;
}

/** The rate per GPU-hour: the provider's own where it has one (`override`), else the GPU catalog's. */
export function rateMicrosPerHour(type: GpuType, override?: string | null): bigint {
  if (override != null) return usdToMicros(override);
  const rate = RATE_MICROS_PER_HOUR.get(type);
  if (rate === undefined) throw new Error(`No hourly rate for GPU type ${type}`);
  return rate;
}

/**
 * The one pricing rule: whole seconds of `count` GPUs of a type, in micro-dollars (estimates and billing both
 * use it), at the catalog's rate or at `hourlyRateUsd` where the job was priced by its provider.
 */
export function gpuSecondsMicros(type: GpuType, count: number, seconds: number, hourlyRateUsd?: string | null): bigint {
  return gpuTimeMicros(seconds, rateMicrosPerHour(type, hourlyRateUsd) * BigInt(count));
}

/** The cost of whole seconds at an hourly rate, rounded half up to the micro-dollar. */
export function gpuTimeMicros(seconds: number, microsPerHour: bigint): bigint {
  return divideRounded(BigInt(seconds) * microsPerHour, SECONDS_PER_HOUR);
}

/** numerator ÷ divisor rounded half up, for non-negative numbers. */
export function divideRounded(numerator: bigint, divisor: bigint): bigint {
  return (numerator + divisor / 2n) / divisor;
}
