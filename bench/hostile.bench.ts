/**
 * Hostile documents (issue 18): for each generated document, how long `berth check` and `berth plan`
 * take and their peak memory, and the bundled server's time to first diagnostics, to each kind of
 * request (one after the other, each given 5 s), and its peak memory. A run that does not end within its deadline is killed and reported as such.
 *   npx tsc -b && node build.mjs && (ulimit -d 4194304; node out/bench/hostile.bench.js [--row NAME])
 * On a shared machine keep the `ulimit -d` (data segment, 4 GiB): without the fixes, reading
 * /dev/zero grows until the machine runs out of memory. (`ulimit -v` does not do: WebAssembly
 * reserves more address space than that.)
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startStdio, uriOf } from '../test/protocol/harness';
import { aliasBombJob, backtrackingCluster, backtrackingJob, bigCluster, bigJob, cliqueJob, cycleJob, deepJob, hostileFolder, jobNaming, makeFifo } from '../test/hostileSpecs';

const root = join(__dirname, '..', '..');
const serverJs = join(root, 'dist', 'server.js');
const CLI_DEADLINE_MS = 20_000;
const SERVER_DEADLINE_MS = 20_000;
/** A request counts as hung after this (issue 18). */
const REQUEST_MS = 5_000;

interface Row {
  readonly name: string;
  /** Makes the folder; returns it and the job file in it. */
  readonly make: () => { dir: string; job: string };
  /** The text position to hover on. */
  readonly hoverOn: string;
}

const rows: Row[] = [
  {
    name: 'LIKE "(a+)+" against 40 a and !',
    make: () => {
      const dir = hostileFolder({ 'hostile.job.yaml': backtrackingJob() }, backtrackingCluster());
      return { dir, job: join(dir, 'hostile.job.yaml') };
    },
    hoverOn: 'name: api',
  },
  {
    name: 'cluster: /dev/zero',
    make: () => {
      const dir = hostileFolder({ 'hostile.job.yaml': jobNaming('/dev/zero') });
      return { dir, job: join(dir, 'hostile.job.yaml') };
    },
    hoverOn: 'name: api',
  },
  {
    name: 'a FIFO as cluster file',
    make: () => {
      const dir = hostileFolder({ 'hostile.job.yaml': jobNaming('./fifo.cluster.yaml') });
      makeFifo(join(dir, 'fifo.cluster.yaml'));
      return { dir, job: join(dir, 'hostile.job.yaml') };
    },
    hoverOn: 'name: api',
  },
  {
    name: 'a dependsOn cycle through 10,000 tasks',
    make: () => {
      const dir = hostileFolder({ 'hostile.job.yaml': cycleJob(10_000) });
      return { dir, job: join(dir, 'hostile.job.yaml') };
    },
    hoverOn: 'name: t0',
  },
  {
    name: '300 tasks each depending on all others',
    make: () => {
      const dir = hostileFolder({ 'hostile.job.yaml': cliqueJob(300) });
      return { dir, job: join(dir, 'hostile.job.yaml') };
    },
    hoverOn: 'name: t0',
  },
  {
    name: 'an alias bomb (9 levels x 10) under an unknown key',
    make: () => {
      const dir = hostileFolder({ 'hostile.job.yaml': aliasBombJob('unknown-key') });
      return { dir, job: join(dir, 'hostile.job.yaml') };
    },
    hoverOn: 'name: api',
  },
  {
    name: 'an alias bomb (9 levels x 10) in env',
    make: () => {
      const dir = hostileFolder({ 'hostile.job.yaml': aliasBombJob('env') });
      return { dir, job: join(dir, 'hostile.job.yaml') };
    },
    hoverOn: 'name: api',
  },
  {
    name: 'block mappings 3,000 deep under an unknown key',
    make: () => {
      const dir = hostileFolder({ 'hostile.job.yaml': deepJob(3_000) });
      return { dir, job: join(dir, 'hostile.job.yaml') };
    },
    hoverOn: 'name: api',
  },
  {
    name: 'a 20 MB job',
    make: () => {
      const dir = hostileFolder({ 'hostile.job.yaml': bigJob(20_000_000) });
      return { dir, job: join(dir, 'hostile.job.yaml') };
    },
    hoverOn: 'name: task-0',
  },
  {
    name: 'a 20 MB cluster',
    make: () => {
      const dir = hostileFolder({ 'big.cluster.yaml': bigCluster(20_000_000) });
      return { dir, job: join(dir, 'big.cluster.yaml') };
    },
    hoverOn: 'name: node-0',
  },
];

/** Runs the CLI under GNU time in its own process group, killed at the deadline. */
function cli(args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', '%e s, %M KiB', process.execPath, join(root, 'bin', 'berth.js'), ...args], { cwd, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => process.kill(-(child.pid ?? 0), 'SIGKILL'), CLI_DEADLINE_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal) return resolve(`killed after ${CLI_DEADLINE_MS / 1000} s (no end)`);
      const m = /([\d.]+) s, (\d+) KiB\s*$/.exec(err);
      const stackTrace = /^\s+at /m.test(err) ? ', stack trace' : '';
      const lastLine = err.replace(/[\d.]+ s, \d+ KiB\s*$/, '').trim().split('\n').pop()?.slice(0, 120) ?? '';
      resolve(m ? `exit ${code}, ${m[1]} s, ${Math.round(Number(m[2]) / 1024)} MiB${stackTrace} (${lastLine})` : `exit ${code}: ${err.slice(-200)}`);
    });
  });
}

function hwmOf(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** `p`, or 'timeout' at the deadline, or what `died` says when the server dies first. */
function within<T>(p: Promise<T>, ms: number, died: Promise<string>): Promise<T | 'timeout' | { died: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  return Promise.race([p, deadline, died.then((why) => ({ died: why }))]).finally(() => clearTimeout(timer));
}

async function server(dir: string, job: string, hoverOn: string): Promise<string> {
  const { client, child } = await startStdio(serverJs, dir);
  const pid = child.pid ?? 0;
  const died = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`server died (${signal ?? `exit ${code}`})`)));
  let peak = 0;
  const sample = (): void => {
    const now = hwmOf(pid);
    if (now > peak) peak = now;
  };
  const sampler = setInterval(sample, 50);
  const parts: string[] = [];
  try {
    const text = readFileSync(job, 'utf8');
    const t0 = performance.now();
    await client.open(job, text);
    const d = await within(client.diagnostics(job), SERVER_DEADLINE_MS, died);
    if (typeof d === 'object' && 'died' in d) return `${d.died} before diagnostics, after ${((performance.now() - t0) / 1000).toFixed(2)} s, peak ${Math.round(peak)} MiB`;
    // The code actions are asked for the diagnostics the editor would send: those published.
    const published = d === 'timeout' ? [] : d.diagnostics.slice(0, 50);
    parts.push(d === 'timeout' ? `no diagnostics in ${SERVER_DEADLINE_MS / 1000} s` : `diagnostics ${((performance.now() - t0) / 1000).toFixed(2)} s (${d.diagnostics.length}, ${JSON.stringify(d.diagnostics).length} chars)`);
    const at = text.indexOf(hoverOn) + hoverOn.length - 1;
    const line = text.slice(0, at).split('\n').length - 1;
    const position = { line, character: at - text.lastIndexOf('\n', at - 1) - 1 };
    const textDocument = { uri: uriOf(job) };
    let lines = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
    const requests: [string, string, unknown][] = [
      ['hover', 'textDocument/hover', { textDocument, position }],
      ['completion', 'textDocument/completion', { textDocument, position }],
      ['hints', 'textDocument/inlayHint', { textDocument, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } } }],
      ['lenses', 'textDocument/codeLens', { textDocument }],
      ['symbols', 'textDocument/documentSymbol', { textDocument }],
      ['folding', 'textDocument/foldingRange', { textDocument }],
      ['formatting', 'textDocument/formatting', { textDocument, options: { tabSize: 2, insertSpaces: true } }],
      ['definition', 'textDocument/definition', { textDocument, position }],
      ['codeAction', 'textDocument/codeAction', { textDocument, range: { start: position, end: position }, context: { diagnostics: published } }],
      ['plan', 'berth/plan', { uri: textDocument.uri }],
    ];
    for (const [label, method, params] of requests) {
      const t1 = performance.now();
      const h = await within(client.request<unknown>(method, params).catch((e: unknown) => `error ${String(e)}`), REQUEST_MS, died);
      if (h === 'timeout') parts.push(`${label}: no answer in ${REQUEST_MS / 1000} s`);
      else if (typeof h === 'string' && h.startsWith('error ')) parts.push(`${label}: ${h.slice(0, 80)}`);
      else if (typeof h === 'object' && h !== null && 'died' in h) {
        parts.push(`${label}: ${(h as { died: string }).died}`);
        break;
      } else parts.push(`${label} ${((performance.now() - t1) / 1000).toFixed(2)} s`);
    }
  } finally {
    clearInterval(sampler);
    sample();
    child.kill('SIGKILL');
  }
  parts.push(`peak ${Math.round(peak)} MiB`);
  return parts.join(', ');
}

async function main(): Promise<void> {
  const only = process.argv.indexOf('--row');
  const pick = only >= 0 ? process.argv[only + 1] : undefined;
  for (const row of rows) {
    if (pick !== undefined && !row.name.includes(pick)) continue;
    const { dir, job } = row.make();
    try {
      process.stdout.write(`\n${row.name}\n`);
      process.stdout.write(`  berth check: ${await cli(['check', job], dir)}\n`);
      process.stdout.write(`  berth plan:  ${await cli(['plan', job], dir)}\n`);
      process.stdout.write(`  server:      ${await server(dir, job, row.hoverOn)}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

void main().then(() => process.exit(0));
