// The folder import graph of server/ and schema/, read from the source (type-only imports included), and the
// layer rules it must keep (docs/ARCHITECTURE.md, "Layers"). Pure file reading: no TypeScript program, no DB.
import fs from 'node:fs';
import path from 'node:path';

/**
 * Folders from the bottom up. A folder may import its own layer and the layers below, never one above; a folder
 * not listed is a finding, so a new one has to be placed. `server` is the base files at server/'s root.
 */
export const LAYERS: readonly (readonly string[])[] = [
  // base: config, errors, log, keys, idempotency, process lock
  ['server'],
  // infrastructure: what the domains run on
  ['server/db', 'server/storage', 'server/gpu', 'server/events', 'server/observability', 'server/catalog', 'server/queue', 'server/metrics', 'server/graphql'],
  // the Services interface (what a process hands its domain code)
  ['server/services'],
  // domains, lowest first: each may use the ones before it
  ['server/users', 'server/notifications', 'server/outbound-webhooks'],
  ['server/auth', 'server/costs', 'server/datasets'],
  ['server/training'],
  ['server/artifacts'],
  // ways in: GraphQL, HTTP routes, GPU callbacks, queue handlers
  ['schema', 'server/http', 'server/webhooks', 'server/workers'],
  // composition: builds the app from all of the above; nothing imports it
  ['server/app'],
];

/** The only folder that may import the GraphQL schema and the queue handlers. */
export const COMPOSITION = 'server/app';
export const HANDLERS = 'server/workers';

export interface ImportEdge {
  from: string;
  to: string;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Every relative import (static, type-only, re-export, side-effect, dynamic) in the .ts files under `roots`. */
export function readImports(repo: string, roots: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(repo, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'generated' && entry.name !== 'node_modules') walk(rel);
      } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        const source = fs.readFileSync(path.join(repo, rel), 'utf8');
        for (const match of source.matchAll(IMPORT)) {
          const spec = match[1] ?? match[2]!;
          edges.push({ from: rel, to: path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec)).replace(/\.js$/, '.ts') });
        }
      }
    }
  };
  for (const root of roots) walk(root);
  return edges;
}

/** The graph's node for a file: its top folder under server/ ('server/training'), 'server' for server/'s own files, or 'schema'. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'server') return parts.length > 2 ? `server/${parts[1]}` : 'server';
  return parts[0]!;
}

export interface Finding {
  rule: 'cycle' | 'schema' | 'handlers' | 'upward' | 'unplaced';
  message: string;
}

/** What breaks the rules in `edges`: folder cycles, server importing the schema, handlers imported, upward imports. */
export function checkImports(edges: readonly ImportEdge[]): Finding[] {
  const findings: Finding[] = [];
  const layerOf = new Map(LAYERS.flatMap((folders, layer) => folders.map((folder) => [folder, layer] as const)));
  const graph = new Map<string, Map<string, string>>();
  for (const { from, to } of edges) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (!graph.has(a)) graph.set(a, new Map());
    if (!graph.has(b)) graph.set(b, new Map());
    if (a === b) continue;
    if (!graph.get(a)!.has(b)) graph.get(a)!.set(b, `${from} → ${to}`);
    if (b === 'schema' && a.startsWith('server') && a !== COMPOSITION) {
      findings.push({ rule: 'schema', message: `${from} imports ${to}: only ${COMPOSITION} may import schema/` });
    }
    if (b === HANDLERS && a !== COMPOSITION) {
      findings.push({ rule: 'handlers', message: `${from} imports ${to}: queue handlers are imported by ${COMPOSITION} alone (enqueue through server/queue/definitions.ts)` });
    }
    const la = layerOf.get(a);
    const lb = layerOf.get(b);
    if (la !== undefined && lb !== undefined && lb > la) findings.push({ rule: 'upward', message: `${from} imports ${to}: ${a} is below ${b}` });
  }
  for (const folder of graph.keys()) {
    if (!layerOf.has(folder)) findings.push({ rule: 'unplaced', message: `${folder} is in no layer (test/unit/architecture/import-graph.ts LAYERS)` });
  }
  for (const component of stronglyConnected(graph)) {
    if (component.length < 2) continue;
    const inside = new Set(component);
    const examples = component.flatMap((a) => [...graph.get(a)!].filter(([b]) => inside.has(b)).map(([, example]) => example));
    findings.push({ rule: 'cycle', message: `folder cycle ${component.sort().join(' ⇄ ')}: ${examples.join('; ')}` });
  }
  return findings;
}

/** Tarjan's strongly connected components. */
function stronglyConnected(graph: ReadonlyMap<string, ReadonlyMap<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components;
}
