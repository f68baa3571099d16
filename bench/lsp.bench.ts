/**
 * Language server benchmark (issue 4 bars), driving the bundled `dist/server.js --stdio`:
 * after an edit to a 5,000-task job on a 1,000-node cluster, the time until `publishDiagnostics`
 * (which include the plan and the single-node failover scan) arrive, p50 and p95, for an edit the
 * allocator does not read (a command: the plan is kept) and one it does (cpus: a new plan); completion
 * latency during the same run; the server's resident memory; edits of a command once the full analysis
 * (after a pause in typing) is at hand, and while it runs; typing that changes the text's length; the first edit after the open (while the front parses the
 * file for completion, a slice per turn). Beside it: the same loop on a
 * 50-task job, the first full analysis of the large file, and `yaml.parseDocument` of the large
 * file in this process as the baseline (what any YAML server pays per edit without chunking); the
 * first diagnostics of the large job against `yaml.parseDocument` of job and cluster; cpus edits of a
 * 50,000-task job on 10,000 nodes.
 *   npx tsc -b && node build.mjs && node out/bench/lsp.bench.js
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import { parseDocument } from 'yaml';
import { checkPublishedFirst, FULL_DELAY_MS } from '../server/src/diagnostics';
import { startStdio, uriOf, type TestClient } from '../test/protocol/harness';
import { clusterYaml, generateSpec, jobYaml } from './util/generate';
import { median, ms, percentile, time } from './util/timing';

const serverJs = join(__dirname, '..', '..', 'dist', 'server.js');

interface LoopResult {
  /** Open → the first diagnostics (a large file's check alone: checkPublishedFirst). */
  first: number;
  /** Open → the diagnostics with the plan and the scan (the same publish as `first` for a smaller file). */
  firstPlan: number;
  /** Edits of a command: nothing the allocator reads, so the plan is kept (rebased). */
  edits: number[];
  /** Edits of a task's cpus: a new plan and single-node scan each time. */
  replans: number[];
  /** Edits of a command once the full analysis is at hand (empty if it never came). */
  afterPause: number[];
  /** Edits of a command typed while the full analysis of a new plan runs (it stops for them). */
  duringFull: number[];
  /** A digit typed into a command, then deleted: edits that change the text's length (every later item moves). */
  typing: number[];
  /** The same on a task's cpus: a new plan each time, and every later item moves. */
  typingCpus: number[];
  /** Completion of a key, right after a keystroke. */
  completions: number[];
  /** Completion of task names in `dependsOn` (needs the spec check), right after a keystroke. */
  valueCompletions: number[];
  rssMiB: number;
  taskEntries: number;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Line and character of the n-th occurrence of `needle`. */
function positionOf(text: string, needle: string, n: number): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= n; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`no ${needle} #${n}`);
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, character: at - before.lastIndexOf('\n') - 1 };
}

/** `lean`: the open and the cpus edits only (the 50,000-task row, where each loop costs seconds). */
async function run(nodes: number, instances: number, edits: number, lean = false): Promise<LoopResult> {
  const spec = generateSpec({ seed: 11, nodes, instances, singleInstances: true });
  const dir = mkdtempSync(join(tmpdir(), 'berth-lsp-bench-'));
  const jobPath = join(dir, `${spec.job}.job.yaml`);
  const job = jobYaml(spec);
  writeFileSync(join(dir, `${spec.cluster}.cluster.yaml`), clusterYaml(spec));
  writeFileSync(jobPath, job);
  const { client, child } = await startStdio(serverJs, dir);
  let maxRss = 0;
  try {
    const t0 = performance.now();
    // Registered before the open: a large file's second publish (the analysis's) is the one after the first.
    let publishes = 0;
    const planned = client.nextDiagnostics(jobPath, () => ++publishes === (checkPublishedFirst(job) ? 2 : 1));
    await client.open(jobPath, job);
    // When a publish arrived, not when it was read: a completion awaited first must not add to it.
    const arrivalOf = (p: PublishDiagnosticsParams): number => client.arrivedAt.get(p) ?? performance.now();
    const first = arrivalOf(await client.diagnostics(jobPath)) - t0;
    const firstPlan = arrivalOf(await planned) - t0;
    maxRss = Math.max(maxRss, rssOf(child.pid ?? 0));
    const editTimes: number[] = [];
    const completionTimes: number[] = [];
    // Edit the `sleep 3600` of a task in the middle of the file: a new number each time (3601,
    // 3602, …), so that no edit brings back a text the server has seen.
    const at = positionOf(job, 'sleep 3600', Math.floor(spec.tasks.length / 2));
    const seconds = { line: at.line, character: at.character + 'sleep '.length };
    let commandEdits = 0;
    const editCommand = async (): Promise<number> =>
      client.change(jobPath, [{ range: { start: seconds, end: { line: seconds.line, character: seconds.character + 4 } }, text: String(3601 + commandEdits++) }]);
    const afterPriority = positionOf(job, '    priority:', Math.floor(spec.tasks.length / 3));
    // Completion alternates between a key (from the schema and the text) and a value that needs the
    // spec check (task names in a `dependsOn` list), each right after a keystroke.
    const dependsCount = job.split('dependsOn: [').length - 1;
    const inDepends = dependsCount > 0 ? positionOf(job, 'dependsOn: [', Math.floor(dependsCount / 2)) : undefined;
    const completionAt = (i: number): { line: number; character: number } =>
      i % 2 === 1 && inDepends ? { line: inDepends.line, character: inDepends.character + 'dependsOn: ['.length } : { line: afterPriority.line, character: 4 };
    const valueCompletionTimes: number[] = [];
    const timeCompletion = async (i: number): Promise<void> => {
      const c0 = performance.now();
      await complete(client, jobPath, completionAt(i));
      (i % 2 === 1 && inDepends ? valueCompletionTimes : completionTimes).push(performance.now() - c0);
    };
    for (let i = 0; i < (lean ? 0 : edits); i++) {
      const start = performance.now();
      const version = await editCommand();
      // Completion right after the keystroke, as an editor asks while the user types.
      await timeCompletion(i);
      editTimes.push(arrivalOf(await client.diagnostics(jobPath, (p) => p.version === version)) - start);
      if (i % 10 === 0) maxRss = Math.max(maxRss, rssOf(child.pid ?? 0));
    }
    // Then the cpus of a task in the middle, a real change to the plan's input: a new value each
    // time, one millicpu apart (0.211, 0.212, … cores when it was 0.21), never one seen before.
    const replanTimes: number[] = [];
    const cpusAt = positionOf(job, 'cpus: ', Math.floor(spec.tasks.length / 2));
    const cpusValue = { line: cpusAt.line, character: cpusAt.character + 'cpus: '.length };
    let length = (job.split('\n')[cpusAt.line]?.slice(cpusValue.character).split(',')[0] ?? '1').length;
    const millicpus = Math.round(Number(job.split('\n')[cpusAt.line]?.slice(cpusValue.character).split(',')[0]) * 1000);
    for (let i = 0; i < edits; i++) {
      const text = ((millicpus + i + 1) / 1000).toFixed(3);
      const start = performance.now();
      const version = await client.change(jobPath, [{ range: { start: cpusValue, end: { line: cpusValue.line, character: cpusValue.character + length } }, text }]);
      length = text.length;
      if (!lean) await timeCompletion(i);
      replanTimes.push(arrivalOf(await client.diagnostics(jobPath, (p) => p.version === version)) - start);
    }
    if (lean) {
      maxRss = Math.max(maxRss, rssOf(child.pid ?? 0));
      return { first, firstPlan, edits: [], replans: replanTimes, afterPause: [], duringFull: [], typing: [], typingCpus: [], completions: [], valueCompletions: [], rssMiB: maxRss, taskEntries: spec.tasks.length };
    }
    // Typing as typing goes: a digit in, then out again, so that the text's length changes (the
    // loops above keep it; here every item after the edit moves).
    const typeAndDelete = async (at: { line: number; character: number }, digit: (i: number) => string): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < edits; i++) {
        const start = performance.now();
        const range = i % 2 === 0 ? { start: at, end: at } : { start: at, end: { line: at.line, character: at.character + 1 } };
        const version = await client.change(jobPath, [{ range, text: i % 2 === 0 ? digit(i) : '' }]);
        await timeCompletion(i);
        times.push(arrivalOf(await client.diagnostics(jobPath, (p) => p.version === version)) - start);
      }
      return times;
    };
    // In a command (the plan is kept), then after the cpus value's first decimal (0.212 → 0.2512, a
    // value the allocator reads: a new plan each time).
    const typing = await typeAndDelete({ line: seconds.line, character: seconds.character + 4 }, () => '7');
    const typingCpus = await typeAndDelete({ line: cpusValue.line, character: cpusValue.character + 3 }, (i) => String(1 + ((i / 2) % 9)));
    // An edit typed while the full analysis runs: after a cpus edit (a new plan), a pause just past
    // the one that starts the full analysis (about half a second on the large job), then a keystroke.
    const duringFull: number[] = [];
    for (let i = 0; i < 5; i++) {
      const text = ((millicpus + edits + i + 1) / 1000).toFixed(3);
      const version = await client.change(jobPath, [{ range: { start: cpusValue, end: { line: cpusValue.line, character: cpusValue.character + length } }, text }]);
      length = text.length;
      await client.diagnostics(jobPath, (p) => p.version === version);
      await new Promise((resolve) => setTimeout(resolve, FULL_DELAY_MS + 100));
      const start = performance.now();
      const typed = await editCommand();
      duringFull.push(arrivalOf(await client.diagnostics(jobPath, (p) => p.version === typed)) - start);
    }
    // A pause in typing brings the full analysis (failure domains, sets, the capacity suggestion);
    // the edits after it keep that plan too, and publish what it found.
    const pausedTimes: number[] = [];
    const v0 = await editCommand();
    const fullArrived = client.nextDiagnostics(jobPath, (p) => p.version === v0);
    await client.diagnostics(jobPath, (p) => p.version === v0);
    const full = await Promise.race([fullArrived.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 60_000).unref())]);
    for (let i = 1; full && i <= edits; i++) {
      const start = performance.now();
      const version = await editCommand();
      pausedTimes.push(arrivalOf(await client.diagnostics(jobPath, (p) => p.version === version)) - start);
    }
    maxRss = Math.max(maxRss, rssOf(child.pid ?? 0));
    return { first, firstPlan, edits: editTimes, replans: replanTimes, afterPause: pausedTimes, duringFull, typing, typingCpus, completions: completionTimes, valueCompletions: valueCompletionTimes, rssMiB: maxRss, taskEntries: spec.tasks.length };
  } finally {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function complete(client: TestClient, path: string, position: { line: number; character: number }): Promise<void> {
  await client.request('textDocument/completion', { textDocument: { uri: uriOf(path) }, position });
}

function report(label: string, r: LoopResult): void {
  console.log(`${label}: ${r.taskEntries} tasks`);
  console.log(`  open → first diagnostics                   ${ms(r.first)}${r.firstPlan > r.first ? ` (the check; with the plan and scan ${ms(r.firstPlan)})` : ''}`);
  console.log(`  first edit, right after the open's diagnostics (the front still parsing) ${ms(r.edits[0] ?? NaN)}`);
  console.log(`  edit of a command → diagnostics (plan kept) p50 ${ms(median(r.edits))}  p95 ${ms(percentile(r.edits, 95))}  (goal p50 <= 30, p95 <= 100)`);
  console.log(`  edit of cpus → diagnostics (new plan+scan) p50 ${ms(median(r.replans))}  p95 ${ms(percentile(r.replans, 95))}  (goal p50 <= 30, p95 <= 100)`);
  console.log(`  a digit typed into a command, or deleted (the length changes) p50 ${ms(median(r.typing))}  p95 ${ms(percentile(r.typing, 95))}`);
  console.log(`  a digit typed into a cpus value, or deleted (the length changes; new plan) p50 ${ms(median(r.typingCpus))}  p95 ${ms(percentile(r.typingCpus, 95))}`);
  console.log(`  edit of a command ${((FULL_DELAY_MS + 100) / 1000).toFixed(1)} s after a new plan (its full analysis then runs, and stops; a small job's is done) p50 ${ms(median(r.duringFull))}  max ${ms(Math.max(...r.duringFull))}`);
  console.log(r.afterPause.length > 0 ? `  edit of a command after a pause (full analysis at hand) p50 ${ms(median(r.afterPause))}  p95 ${ms(percentile(r.afterPause, 95))}` : '  after a pause: the full analysis published nothing new within 60 s');
  const all = [...r.completions, ...r.valueCompletions];
  console.log(`  completion during the edits, all           p50 ${ms(median(all))}  p95 ${ms(percentile(all, 95))}  (goal p95 <= 50)`);
  console.log(`    of a key                                 p50 ${ms(median(r.completions))}  p95 ${ms(percentile(r.completions, 95))}`);
  if (r.valueCompletions.length > 0) console.log(`    of task names in dependsOn (spec check)  p50 ${ms(median(r.valueCompletions))}  p95 ${ms(percentile(r.valueCompletions, 95))}`);
  console.log(`  server resident memory (max)               ${r.rssMiB.toFixed(0)} MiB  (goal < 300)`);
}

/**
 * A cold start as the editor makes one (issue 17: activation → first diagnostics ≤ 500 ms): the
 * server spawned until it answers `initialize`, then the seed job opened until its diagnostics;
 * beside a bare `node -e 0` spawned until it exits, in the same run. Medians of `runs`.
 */
async function coldStart(runs: number): Promise<{ ready: number; diagnostics: number; bare: number }> {
  const seed = join(__dirname, '..', '..', 'examples', 'seed');
  const jobPath = join(seed, 'seed.job.yaml');
  const jobText = readFileSync(jobPath, 'utf8');
  const ready: number[] = [];
  const diagnostics: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const { client } = await startStdio(serverJs, seed);
    const t1 = performance.now();
    await client.open(jobPath, jobText);
    await client.diagnostics(jobPath);
    ready.push(t1 - t0);
    diagnostics.push(performance.now() - t1);
    await client.shutdown();
    const b0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', () => resolve());
    });
    bare.push(performance.now() - b0);
  }
  return { ready: median(ready), diagnostics: median(diagnostics), bare: median(bare) };
}

/**
 * `yaml.parseDocument` of the large job on the machine the bars were set for (ENVIRONMENT.md). This
 * machine kind's speed varies from hour to hour (the same baseline has measured 430 to 1,100 ms):
 * the bars, divided by it, are ratios that this run's figures over this run's baseline can be held to.
 */
const DOCUMENTED_BASELINE_MS = 432;

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const spec = generateSpec({ seed: 11, nodes: 1000, instances: 5000, singleInstances: true });
  const text = jobYaml(spec);
  const clusterText = clusterYaml(spec);
  // Before and after the loops: the machine's speed can change within a run.
  const before = time(() => parseDocument(text), 5, 1);
  const bothBefore = time(() => {
    parseDocument(text);
    parseDocument(clusterText);
  }, 5, 1);
  const cold = await coldStart(quick ? 3 : 7);
  const big = await run(1000, 5000, quick ? 20 : 60);
  const small = await run(10, 50, quick ? 20 : 60);
  const huge = await run(10000, 50000, quick ? 10 : 20, true);
  const after = time(() => parseDocument(text), 5, 1);
  const bothAfter = time(() => {
    parseDocument(text);
    parseDocument(clusterText);
  }, 5, 1);
  const both = (bothBefore + bothAfter) / 2;
  const baseline = (before + after) / 2;
  const coldTotal = cold.ready + cold.diagnostics;
  console.log(`cold start (seed job): server spawned → initialize answered ${ms(cold.ready)}, open → first diagnostics ${ms(cold.diagnostics)}: ${ms(coldTotal)} (bar 500 ms) ${coldTotal <= 500 ? 'met' : 'NOT met'}; a bare node -e 0 ${ms(cold.bare)} (${(coldTotal / cold.bare).toFixed(1)}x)`);
  report('large job (1,000 nodes)', big);
  report('small job (10 nodes)', small);
  console.log(`huge job (10,000 nodes): ${huge.taskEntries} tasks`);
  console.log(`  open → first diagnostics                   ${ms(huge.first)} (the check; with the plan and scan ${ms(huge.firstPlan)})`);
  console.log(`  edit of cpus → diagnostics (new plan+scan) p50 ${ms(median(huge.replans))}  p95 ${ms(percentile(huge.replans, 95))}  (goal p95 <= 100)`);
  console.log(`  server resident memory (max)               ${huge.rssMiB.toFixed(0)} MiB`);
  console.log(`first diagnostics of the large job: ${ms(big.first)}; yaml.parseDocument of job + cluster in this process ${ms(both)} (${ms(bothBefore)} before, ${ms(bothAfter)} after): ${(big.first / both).toFixed(2)}x (goal 1.5x) ${big.first / both <= 1.5 ? 'met' : 'NOT met'}; with the plan and scan ${ms(big.firstPlan)} = ${(big.firstPlan / both).toFixed(2)}x`);
  console.log(`baseline: yaml.parseDocument of the large job in this process  ${ms(baseline)} (${ms(before)} before the loops, ${ms(after)} after; ${DOCUMENTED_BASELINE_MS} ms in ENVIRONMENT.md)`);
  console.log(`ratio: large command edit p95 / baseline = ${(percentile(big.edits, 95) / baseline).toFixed(2)}x; cpus edit p95 / baseline = ${(percentile(big.replans, 95) / baseline).toFixed(2)}x`);
  const ratio = (label: string, value: number, goalMs: number): string => {
    const r = value / baseline;
    const goal = goalMs / DOCUMENTED_BASELINE_MS;
    return `  ${label.padEnd(34)} ${r.toFixed(3)}x  (goal ${goal.toFixed(3)}x: ${goalMs} ms at ${DOCUMENTED_BASELINE_MS} ms) ${r <= goal ? 'met' : 'NOT met'}`;
  };
  console.log('the bars as ratios to the baseline (this run\'s figure / this run\'s baseline):');
  console.log(ratio('cpus edit p50', median(big.replans), 30));
  console.log(ratio('cpus edit p95', percentile(big.replans, 95), 100));
  console.log(ratio('command edit p50', median(big.edits), 30));
  console.log(ratio('command edit p95', percentile(big.edits, 95), 100));
  console.log(ratio('completion p95', percentile([...big.completions, ...big.valueCompletions], 95), 50));
  // Issue 17: the raised keystroke bars (p95 30 ms, median 15 ms) and the 50,000-task edit (p95 100 ms).
  console.log(ratio('cpus edit p50 (raised bar)', median(big.replans), 15));
  console.log(ratio('cpus edit p95 (raised bar)', percentile(big.replans, 95), 30));
  console.log(ratio('command edit p95 (raised bar)', percentile(big.edits, 95), 30));
  console.log(ratio('50k-task cpus edit p95', percentile(huge.replans, 95), 100));
  console.log(`  server resident memory (max, large job) ${big.rssMiB.toFixed(0)} MiB (goal <= 300) ${big.rssMiB <= 300 ? 'met' : 'NOT met'}`);
}

void main();
