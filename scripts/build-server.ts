// `npm run build` (and before `npm start` / `npm run worker`, and in the image): compiles server/ and schema/ to
// plain JavaScript in dist/, file for file, so the server runs as one `node` process with no TypeScript loader in
// it (tsx's costs memory and starts an esbuild process beside the server). Run by node itself (type stripping).
// Each file is written only when it changed, through a rename, so a server starting meanwhile never reads half
// a file; files whose source is gone are removed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['server', 'schema'];
const OUT = path.join(ROOT, 'dist');

const sourceFiles = SOURCES.flatMap((dir) =>
  fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(ROOT, dir, file)),
);

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: sourceFiles,
  outdir: OUT,
  outbase: ROOT,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  // Stack traces name dist/ lines; NODE_OPTIONS=--enable-source-maps maps them back to the TypeScript.
  sourcemap: 'linked',
  write: false,
  logLevel: 'warning',
});

const written = new Set<string>();
let changed = 0;
for (const file of result.outputFiles) {
  written.add(file.path);
  const current = fs.existsSync(file.path) ? fs.readFileSync(file.path) : null;
  if (current?.equals(file.contents)) continue;
  fs.mkdirSync(path.dirname(file.path), { recursive: true });
  const temporary = `${file.path}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, file.contents);
  fs.renameSync(temporary, file.path);
  changed++;
}
for (const dir of SOURCES) {
  const out = path.join(OUT, dir);
  if (!fs.existsSync(out)) continue;
  for (const file of fs.readdirSync(out, { recursive: true, encoding: 'utf8' })) {
    const full = path.join(out, file);
    if (!written.has(full) && fs.statSync(full).isFile() && !full.endsWith('.tmp')) fs.rmSync(full);
  }
}
if (changed > 0 && process.env.npm_lifecycle_event === 'build') console.log(`dist/: ${changed} of ${written.size} files written`);
