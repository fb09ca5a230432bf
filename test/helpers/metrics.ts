// Reads an app's /metrics the way Prometheus would.
import { expect } from 'vitest';
import type { TestApp } from './app.js';

/** Every sample of the text format, by its name and labels as written (`name{a="b"}`). */
export async function scrape(app: TestApp): Promise<Map<string, number>> {
  const res = await fetch(`${app.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const match = /^([a-z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/i.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

/** The value of the sample `name` whose labels are exactly these, in any order; 0 when there is none (a counter not yet counted). */
export function sample(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const [key, value] of samples) {
    const [, keyName, body = ''] = /^([^{]+)(?:\{(.*)\})?$/.exec(key)!;
    if (keyName === name && (body.match(/\w+="[^"]*"/g) ?? []).sort().join(',') === wanted) return value;
  }
  return 0;
}
