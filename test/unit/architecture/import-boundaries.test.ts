// The layering holds on the real source: no folder cycles (type-only imports count), server/ never imports the
// schema (its composition root aside), no domain imports a queue handler, nothing imports a layer above it. The
// checker is shown to catch each kind of break by planting one in an in-memory copy of the graph.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkImports, folderOf, readImports, type ImportEdge } from './import-graph.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const edges = readImports(repo, ['server', 'schema']);

const planted = (...extra: ImportEdge[]) => checkImports([...edges, ...extra]);

describe('import boundaries', () => {
  it('reads the real graph, type-only imports included', () => {
    expect(edges.length).toBeGreaterThan(300);
    // import type { Services } is how most domain files see the services.
    expect(edges).toContainEqual({ from: 'server/training/apply-report.ts', to: 'server/services/services.ts' });
    expect(folderOf('server/gpu/local/provider.ts')).toBe('server/gpu');
    expect(folderOf('server/config.ts')).toBe('server');
  });

  it('finds nothing in the real graph', () => {
    expect(checkImports(edges).map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
  });

  it('fails on a domain importing a queue handler: an upward import and a cycle', () => {
    const findings = planted({ from: 'server/training/x.ts', to: 'server/workers/registry.ts' });
    expect(findings.map((f) => f.rule).sort()).toEqual(['cycle', 'handlers', 'upward']);
    expect(findings.find((f) => f.rule === 'cycle')!.message).toMatch(/server\/training ⇄ server\/workers|server\/workers ⇄ server\/training/);
  });

  it('fails on server code importing the schema', () => {
    const rules = planted({ from: 'server/costs/x.ts', to: 'schema/index.ts' }).map((f) => f.rule);
    expect(rules).toContain('schema');
    expect(rules).toContain('upward');
  });

  it('fails on a type-only cycle between two folders of one layer', () => {
    // costs and datasets share a layer: importing each other is allowed by the layers, not by the cycle rule.
    const findings = planted({ from: 'server/costs/x.ts', to: 'server/datasets/y.ts' }, { from: 'server/datasets/y.ts', to: 'server/costs/x.ts' });
    expect(findings.map((f) => f.rule)).toEqual(['cycle']);
  });

  it('fails on a folder placed in no layer', () => {
    expect(planted({ from: 'server/new-domain/x.ts', to: 'server/log.ts' }).map((f) => f.rule)).toEqual(['unplaced']);
  });
});
