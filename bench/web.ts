// The web client's production bundle: what the first page load downloads
// (gzip) and the whole app, beside a bare React + ReactDOM page built the same
// way in the same run. Also checks that no server secret reaches the bundle.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import type { BenchRow } from './report.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

interface Sizes {
  entryGzip: number;
  totalGzip: number;
  totalRaw: number;
  files: number;
}

/** The entry chunk is what index.html loads first; the rest arrives per page. */
function measure(dist: string): Sizes {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const entry = /src="\/?(assets\/[^"]+\.js)"/.exec(html)?.[1];
  const assets = fs.readdirSync(path.join(dist, 'assets')).filter((f) => /\.(js|css)$/.test(f));
  let totalGzip = 0;
  let totalRaw = 0;
  for (const file of assets) {
    const bytes = fs.readFileSync(path.join(dist, 'assets', file));
    totalRaw += bytes.length;
    totalGzip += gzipSync(bytes).length;
  }
  const entryGzip = entry ? gzipSync(fs.readFileSync(path.join(dist, entry))).length : 0;
  return { entryGzip, totalGzip, totalRaw, files: assets.length };
}

async function buildBaseline(dir: string): Promise<string> {
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/main.jsx"></script>');
  fs.writeFileSync(path.join(dir, 'main.jsx'), "import { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')).render(<h1>Hello</h1>);\n");
  await build({
    root: dir,
    configFile: false,
    logLevel: 'silent',
    plugins: [react()],
    resolve: { alias: { react: path.join(repo, 'node_modules/react'), 'react-dom': path.join(repo, 'node_modules/react-dom') } },
    build: { outDir: path.join(dir, 'dist'), emptyOutDir: true },
  });
  return path.join(dir, 'dist');
}

export async function runWebBench(): Promise<BenchRow[]> {
  await build({ configFile: path.join(repo, 'web/vite.config.ts'), logLevel: 'silent', build: { sourcemap: false } });
  const ours = measure(path.join(repo, 'web/dist'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'brightrun-bundle-baseline-'));
  try {
    const baseline = measure(await buildBaseline(tmp));
    const kb = (n: number) => Math.round(n / 102.4) / 10;
    const bundle = fs
      .readdirSync(path.join(repo, 'web/dist/assets'))
      .map((f) => fs.readFileSync(path.join(repo, 'web/dist/assets', f), 'utf8'))
      .join('\n');
    const leaks = ['SERVER_SECRET', 'RUNPOD_API_KEY', 'DATABASE_URL', 'postgresql://', 'BEGIN PRIVATE KEY'].filter((s) => bundle.includes(s));
    return [
      {
        figure: 'first load: entry chunk, gzip',
        ours: kb(ours.entryGzip),
        baseline: kb(baseline.entryGzip),
        unit: 'KiB',
        ratio: ours.entryGzip / baseline.entryGzip,
        note: 'baseline: a bare React + ReactDOM page built by Vite in the same run',
      },
      {
        figure: 'whole app (all pages, lazy chunks), gzip',
        ours: kb(ours.totalGzip),
        baseline: kb(baseline.totalGzip),
        unit: 'KiB',
        ratio: ours.totalGzip / baseline.totalGzip,
        note: `${ours.files} files; nivo charts load only on chart pages`,
      },
      { figure: 'whole app, uncompressed', ours: kb(ours.totalRaw), baseline: kb(baseline.totalRaw), unit: 'KiB', ratio: ours.totalRaw / baseline.totalRaw },
      {
        figure: 'server secrets found in the bundle',
        ours: leaks.length,
        baseline: null,
        unit: 'count',
        ratio: null,
        target: '0',
        pass: leaks.length === 0,
        note: leaks.join(', '),
      },
    ];
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatBenchRows } = await import('./report.js');
  console.log(formatBenchRows(await runWebBench()));
}
