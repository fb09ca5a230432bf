// The processes `npm start` leaves running and what they cost at idle: the server's resident memory as an API-only
// process (ROLE=api) and with every role, and the process tree beside PostgreSQL, each run the way a person runs
// it (npm, its own process group, embedded PostgreSQL in a temporary DATA_DIR) and stopped as Ctrl-C stops it
// (SIGINT to the process group), checking that nothing is left. Baselines: a bare node HTTP server for the memory,
// and the former start command (the same server run from TypeScript through tsx's loader, under npm) for the
// memory of the loader and for the tree.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../server/db/embedded-postgres.js';
import { startSimulatedProvider } from '../server/gpu/simulated/service.js';
import type { BenchRow } from './report.js';

/** How long a started process sits without work before its memory is read. */
const IDLE_SECONDS = 15;
const API_RSS_TARGET_MB = 150;
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ProcessInfo {
  pid: number;
  ppid: number;
  rss: number;
  command: string;
}

/** Every process on the machine, from /proc. */
function processes(): ProcessInfo[] {
  const list: ProcessInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
      const command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      list.push({ pid: Number(entry), ppid, rss, command });
    } catch {
      // gone meanwhile
    }
  }
  return list;
}

/** The process and all its descendants (PostgreSQL runs in its own session but is still the server's child). */
function tree(root: number): ProcessInfo[] {
  const all = processes();
  const found = all.filter((p) => p.pid === root);
  for (let i = 0; i < found.length; i++) found.push(...all.filter((p) => p.ppid === found[i]!.pid));
  return found;
}

const isPostgres = (p: ProcessInfo) => /\/postgres( |$)|^postgres:/.test(p.command);
const isServer = (p: ProcessInfo) => /server\/app\/main\.(ts|js)$/.test(p.command) && !/(^| )(sh|npm)( |$)|tsx\/dist\/cli|\.bin\/tsx/.test(p.command);
const isNpm = (p: ProcessInfo) => /^npm( |$)|npm-cli\.js/.test(p.command);
const short = (p: ProcessInfo) => p.command.replace(/(^|\s)\/\S*\//g, '$1').slice(0, 40);

interface Launch {
  /** The server process's RSS at idle. */
  serverRss: number;
  /** Processes beside npm, the server and PostgreSQL. */
  others: ProcessInfo[];
  /** RSS of every process in the tree except PostgreSQL's. */
  treeRss: number;
  count: number;
  /** What each of those processes is, in short. */
  names: string[];
  /** Processes still running after SIGINT to the group (PostgreSQL included). */
  left: number;
  stopSeconds: number;
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before answering /healthz`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(500);
  }
  throw new Error('did not answer /healthz in time');
}

/** Runs `command` (a shell line) in its own process group as a terminal would, measures it idle, stops it with SIGINT. */
async function launch(command: string, env: Record<string, string>): Promise<Launch> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brightrun-bench-processes-'));
  const port = await freePort();
  const child = spawn('sh', ['-c', `exec ${command}`], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PORT: String(port), DATA_DIR: dir, EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn', ...env },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const pids = new Set<number>();
  try {
    await waitHealthy(`http://127.0.0.1:${port}`, child);
    await sleep(IDLE_SECONDS * 1000);
    const running = tree(child.pid!);
    for (const p of running) pids.add(p.pid);
    const server = running.find(isServer);
    if (!server) throw new Error(`no server process in ${running.map(short).join(', ')}`);
    const others = running.filter((p) => !isPostgres(p) && !isNpm(p) && p !== server);
    const notPostgres = running.filter((p) => !isPostgres(p));
    const stopStart = performance.now();
    // Ctrl-C: the terminal signals the whole foreground process group.
    process.kill(-child.pid!, 'SIGINT');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    let left = [...pids].filter(alive);
    while (left.length > 0 && Date.now() < deadline) {
      await sleep(200);
      left = [...pids].filter(alive);
    }
    return {
      serverRss: server.rss,
      others,
      treeRss: notPostgres.reduce((sum, p) => sum + p.rss, 0),
      count: notPostgres.length,
      names: notPostgres.map(short),
      left: left.length,
      stopSeconds: (performance.now() - stopStart) / 1000,
    };
  } catch (err) {
    throw new Error(`${command}: ${(err as Error).message}; stderr: ${stderr}`);
  } finally {
    // Whatever a failed run left: only the processes this launch started.
    for (const pid of [child.pid!, ...pids]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped) counts as gone.
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** A bare node HTTP server at idle: what node itself costs before any of the platform is loaded. */
async function bareNodeRss(): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`], { stdio: 'ignore' });
  try {
    await waitHealthy(`http://127.0.0.1:${port}`, child);
    await sleep(IDLE_SECONDS * 1000);
    return tree(child.pid!)[0]!.rss;
  } finally {
    child.kill('SIGKILL');
  }
}

/** The former `npm start`: the server run from its TypeScript sources through tsx's loader, as npm ran that script. */
const FORMER_START = `npm exec --no -c 'exec node --import tsx server/app/main.ts'`;

export async function runProcessesBench(): Promise<BenchRow[]> {
  const loadAtStart = os.loadavg()[0]!;
  const gpu = await startSimulatedProvider({ port: 0, speedFactor: 5 });
  try {
    const apiEnv = { ROLE: 'api', SIMULATED_GPU_URL: gpu.url };
    const api = await launch('npm start', apiEnv);
    const formerApi = await launch(FORMER_START, apiEnv);
    // V8 keeps the young generation's semi-spaces as large as start-up grew them; capping them trades allocation speed for memory.
    const smallYoung = await launch('npm start', { ...apiEnv, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-semi-space-size=1`.trim() });
    const all = await launch('npm start', {});
    const former = await launch(FORMER_START, {});
    const bare = await bareNodeRss();
    const busy = `1-min load average ${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end, on ${os.cpus().length} cores (shared with other work: memory moves little with load, times would)`;
    const stopped = (l: Launch) => `SIGINT to the process group stopped it in ${l.stopSeconds.toFixed(1)} s, ${l.left} process(es) left`;
    const mb = (bytes: number) => bytes / MB;
    return [
      {
        figure: `RSS of an API-only process (ROLE=api) at idle`,
        ours: mb(api.serverRss),
        baseline: mb(bare),
        unit: 'MB',
        ratio: api.serverRss / bare,
        target: `< ${API_RSS_TARGET_MB} MB`,
        pass: mb(api.serverRss) < API_RSS_TARGET_MB && api.left === 0,
        note: `the server process of \`ROLE=api npm start\` (compiled dist/, embedded PostgreSQL, local storage), ${IDLE_SECONDS} s after /healthz first answered; baseline: a bare node HTTP server at idle; ${stopped(api)}; ${busy}`,
      },
      {
        figure: `RSS of an API-only process at idle, compiled ÷ run through tsx`,
        ours: mb(api.serverRss),
        baseline: mb(formerApi.serverRss),
        unit: 'MB',
        ratio: api.serverRss / formerApi.serverRss,
        note: `ours: \`ROLE=api npm start\` (node dist/server/app/main.js); baseline: the same server and role run by the former start command (node --import tsx server/app/main.ts under npm: tsx's loader compiles the TypeScript in the process); ${stopped(formerApi)}`,
      },
      {
        figure: `RSS of an API-only process at idle, NODE_OPTIONS=--max-semi-space-size=1`,
        ours: mb(smallYoung.serverRss),
        baseline: mb(bare),
        unit: 'MB',
        ratio: smallYoung.serverRss / bare,
        note: `the same process with V8's young generation capped (not the default: more minor collections under load, not measured against the latency figures); baseline: a bare node HTTP server at idle; ${stopped(smallYoung)}`,
      },
      {
        figure: `RSS of the default process (npm start, every role) at idle`,
        ours: mb(all.serverRss),
        baseline: mb(bare),
        unit: 'MB',
        ratio: all.serverRss / bare,
        note: `the server process (API, workers, simulated GPU provider in process); baseline: a bare node HTTP server at idle; ${stopped(all)}`,
      },
      {
        figure: 'processes of `npm start` beside PostgreSQL',
        ours: all.count,
        baseline: former.count,
        unit: 'processes',
        ratio: all.count / former.count,
        target: 'no wrapper beside the server and PostgreSQL (npm aside)',
        pass: all.others.length === 0 && all.left === 0,
        note: `ours: ${all.names.join('; ')}; baseline: the former start command through npm (${former.names.join('; ')}); ${stopped(all)}; baseline ${stopped(former)}`,
      },
      {
        figure: 'RSS of `npm start` beside PostgreSQL at idle',
        ours: mb(all.treeRss),
        baseline: mb(former.treeRss),
        unit: 'MB',
        ratio: all.treeRss / former.treeRss,
        note: 'every process of the tree but PostgreSQL’s (npm included); baseline: the same for the former start command',
      },
    ];
  } finally {
    await gpu.close();
  }
}
