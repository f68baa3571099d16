/**
 * The `berth` command as users run it: the bundled CLI (`bin/berth.js` → `dist/cli.js`) in a
 * child process, its stdout, stderr and exit code. `npm test` bundles before it runs these.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoPath } from '../unit/spec/repoRoot';
import { writePartialPlans } from '../fixtures/partialPlans';

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

function berth(...args: string[]): Run {
  const r = spawnSync(process.execPath, [repoPath('bin', 'berth.js'), ...args], { cwd: repoPath(), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface PlanJson {
  job: string;
  tasks: { name: string; status: string; node?: string; blockedBy?: string[]; reasons?: string }[];
  skipped: { task: string; reason: string }[];
  nodes: { name: string; capacity: { cpus: number; mem: number }; allocated: { cpus: number; mem: number } }[];
  failover: { safe: boolean; scenarios: { lost: string[]; moves: { task: string; from: string; to: string }[]; evicted: { task: string; from: string }[]; unplaced: { task: string; reasons: string }[] }[]; suggestion?: { summary: string } };
}

describe('berth check', () => {
  it('passes the examples: exit 0, no errors', () => {
    const r = berth('check', 'examples/');
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.err, /\d+ files checked: 0 errors/);
    assert.equal(r.out, '');
  });

  it('prints path:line:col: severity code message for a broken spec and exits 1', () => {
    const r = berth('check', 'test/fixtures/broken/duplicate-port.job.yaml');
    assert.equal(r.code, 1);
    assert.match(r.out, /^test\/fixtures\/broken\/duplicate-port\.job\.yaml:7:\d+: error spec\/duplicate-port .*8080/m);
  });

  it('prints JSON with --format json', () => {
    const r = berth('check', '--format', 'json', 'test/fixtures/broken/duplicate-port.job.yaml');
    assert.equal(r.code, 1);
    const problems = JSON.parse(r.out) as Record<string, unknown>[];
    assert.equal(problems.length, 1);
    assert.deepEqual(Object.keys(problems[0] ?? {}).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'severity']);
    assert.equal(problems[0]?.['code'], 'spec/duplicate-port');
    assert.equal(problems[0]?.['line'], 7);
  });

  it('exits 2 with a clear message for a missing file or a bad option', () => {
    const missing = berth('check', 'no/such.job.yaml');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file/);
    const bad = berth('check', '--nope', 'examples/');
    assert.equal(bad.code, 2);
    assert.equal(bad.err, 'berth: unknown option "--nope" (options: --format)\n');
  });

  it('an unknown option names the closest one the command takes', () => {
    const r = berth('plan', '--jsn', 'examples/seed/seed.job.yaml');
    assert.equal(r.code, 2);
    assert.equal(r.err, 'berth: unknown option "--jsn"; did you mean "--json"?\n');
    assert.equal(berth('down', '--force', 'dev').err, 'berth: unknown option "--force" (this command takes no options)\n');
  });

  it('exits 0 on warnings only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
    writeFileSync(join(dir, 'c.cluster.yaml'), 'apiVersion: berth/v1\nkind: Cluster\nname: c\nnodes:\n  - name: n1\n    resources: { cpus: 2, mem: 4Gi, disk: 1Gi }\n');
    writeFileSync(join(dir, 'j.job.yaml'), 'apiVersion: berth/v1\nkind: Job\nname: j\ncluster: ./c.cluster.yaml\ntasks:\n  - name: a\n    resources: { cpus: 1, mem: 4 }\n');
    const r = berth('check', dir);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /warning spec\/implausible-value/);
  });
});

describe('berth plan', () => {
  it('the seed: the placement table of the design note, and node2 loss leaves task2 without a node', () => {
    const r = berth('plan', 'examples/seed/seed.job.yaml');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^task1\s+node1\s+1\s+2Gi\s+1Gi$/m);
    assert.match(r.out, /^task2\s+node2\s+2\s+4Gi\s+2Gi$/m);
    assert.match(r.out, /^task3\s+node3\s+3\s+6Gi\s+3Gi$/m);
    assert.match(r.out, /node2 lost: task2 has no node \(cpus exhausted/);
    assert.match(r.out, /NOT SAFE/);
  });

  it('--json: the seed with preemption moves task2 to node3, evicting task3, which has no node', () => {
    const r = berth('plan', '--json', 'examples/seed-preempt/seed-preempt.job.yaml');
    assert.equal(r.code, 0, r.err);
    const plan = JSON.parse(r.out) as PlanJson;
    assert.deepEqual(plan.tasks.map((t) => [t.name, t.status, t.node]), [['task1', 'placed', 'node1'], ['task2', 'placed', 'node2'], ['task3', 'placed', 'node3']]);
    const node2 = plan.failover.scenarios.find((s) => s.lost.join() === 'node2');
    assert.ok(node2, 'no node2 scenario');
    assert.deepEqual(node2.moves, [{ task: 'task2', from: 'node2', to: 'node3' }]);
    assert.deepEqual(node2.evicted, [{ task: 'task3', from: 'node3' }]);
    assert.deepEqual(node2.unplaced.map((u) => u.task), ['task3']);
    assert.equal(plan.failover.safe, false);
    assert.ok(plan.failover.suggestion?.summary.startsWith('add '));
    // mem in MiB.
    assert.deepEqual(plan.nodes.map((n) => [n.name, n.capacity.mem]), [['node1', 4096], ['node2', 6144], ['node3', 8192]]);
  });

  it('--strict exits 1 when the job is not failover-safe, 0 when it is', () => {
    assert.equal(berth('plan', '--strict', 'examples/seed/seed.job.yaml').code, 1);
    const web = berth('plan', '--strict', '--json', 'examples/webstack/webstack.job.yaml');
    const plan = JSON.parse(web.out) as PlanJson;
    assert.equal(web.code, plan.failover.safe && plan.tasks.every((t) => t.status === 'placed') ? 0 : 1);
  });

  it('exits 2 on a spec with errors, printed as berth check prints them', () => {
    const r = berth('plan', 'test/fixtures/broken/duplicate-port.job.yaml');
    assert.equal(r.code, 2);
    assert.match(r.err, /duplicate-port\.job\.yaml:7:\d+: error spec\/duplicate-port/);
  });
});

describe('berth plan on a job planned in part (server/engine/analysis/plannable.ts)', () => {
  const dir = writePartialPlans();
  const file = (name: string): string => join(dir, name);

  it('a task larger than every node is unplaced with its reasons, the rest placed: exit 0, 1 with --strict', () => {
    const r = berth('plan', '--json', file('huge.job.yaml'));
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '', 'a task that fits no node is a placement outcome, not a spec error');
    const plan = JSON.parse(r.out) as PlanJson;
    assert.deepEqual(plan.tasks.map((t) => [t.name, t.status, t.node ?? t.blockedBy?.join()]), [['after', 'blocked', 'huge'], ['huge', 'unplaced', undefined], ['web', 'placed', 'node1']]);
    assert.match(plan.tasks.find((t) => t.name === 'huge')?.reasons ?? '', /^cpus exhausted on 2 nodes \(needs 16, most free 4 on node2\)/);
    assert.deepEqual(plan.skipped, []);
    assert.equal(berth('plan', '--strict', file('huge.job.yaml')).code, 1);
    const text = berth('plan', file('huge.job.yaml'));
    assert.match(text.out, /^huge\s+unplaced\s+16\s+1Gi/m);
    // berth check keeps the diagnostic.
    const check = berth('check', file('huge.job.yaml'));
    assert.equal(check.code, 1);
    assert.match(check.out, /huge\.job\.yaml:10:24: error spec\/task-too-large task "huge" needs 16 cpus/);
  });

  it('a spec error in one task: every other task planned, the errors on stderr as berth check prints them, exit 2', () => {
    const r = berth('plan', '--json', file('typo.job.yaml'));
    assert.equal(r.code, 2, r.err);
    const plan = JSON.parse(r.out) as PlanJson;
    assert.deepEqual(plan.tasks.map((t) => [t.name, t.status, t.node]), [['db', 'placed', 'node2'], ['web', 'placed', 'node2']]);
    assert.deepEqual(plan.skipped, [{ task: 'worker', reason: 'has errors' }, { task: 'after', reason: 'depends on worker, which is not planned' }]);
    const check = berth('check', file('typo.job.yaml'));
    const line = check.out.split('\n').find((l) => l.includes('spec/unknown-field')) ?? '';
    assert.match(line, /typo\.job\.yaml:10:5: error spec\/unknown-field unknown field "resourcez"/);
    assert.ok(r.err.startsWith(`${line}\n`), r.err);
    assert.match(r.err, /the plan leaves out what they affect/);

    const text = berth('plan', file('typo.job.yaml'));
    assert.equal(text.code, 2);
    assert.match(text.out, /^web\s+node2\s+1\s+1Gi/m);
    assert.match(text.out, /^db\s+node2\s+2\s+2Gi/m);
    assert.match(text.out, /^worker\s+not planned$/m);
    assert.match(text.out, /^ {2}after: not planned: it depends on worker, which is not planned$/m);
    assert.equal(text.err, r.err);
  });

  it('a job whose every task is invalid: no plan, its errors and why, exit 2', () => {
    for (const args of [['plan'], ['plan', '--json']]) {
      const r = berth(...args, file('invalid.job.yaml'));
      assert.equal(r.code, 2, r.err);
      assert.equal(r.out, '');
      assert.match(r.err, /invalid\.job\.yaml:9:5: error spec\/unknown-field/);
      assert.match(r.err, /invalid\.job\.yaml:11:\d+: error spec\/wrong-type task "db" resources\.cpus/);
      assert.match(r.err, /^berth: no plan for job "invalid" \(.*invalid\.job\.yaml\): no task of job "invalid" can be planned: every one has errors$/m);
    }
  });

  it('a broken cluster file: no plan, the cluster file\'s errors and why, exit 2', () => {
    const r = berth('plan', '--json', file('stranded.job.yaml'));
    assert.equal(r.code, 2, r.err);
    assert.equal(r.out, '');
    assert.match(r.err, /broken\.cluster\.yaml:8:\d+: error spec\/unknown-field unknown field "memory"/);
    assert.match(r.err, /^berth: no plan for job "stranded" \(.*stranded\.job\.yaml\): the cluster of job "stranded" \(.*broken\.cluster\.yaml\) has errors$/m);
  });

  it('several jobs: the plannable ones planned, exit 2 for the others', () => {
    const r = berth('plan', '--json', file('huge.job.yaml'), file('invalid.job.yaml'));
    assert.equal(r.code, 2, r.err);
    assert.equal((JSON.parse(r.out) as PlanJson).job, 'huge');
    assert.match(r.err, /no plan for job "invalid"/);
  });
});

describe('berth diff', () => {
  it('a swarm not brought up: every instance is new, exit 1 (a deploy would change something)', () => {
    const state = mkdtempSync(join(tmpdir(), 'berth-state-'));
    const r = spawnSync(process.execPath, [repoPath('bin', 'berth.js'), 'diff', 'examples/seed/seed.job.yaml', '--engine', 'swarm', '--json'], { cwd: repoPath(), encoding: 'utf8', timeout: 60_000, env: { ...process.env, BERTH_STATE_DIR: state } });
    assert.equal(r.status, 1, r.stderr);
    const diff = JSON.parse(r.stdout) as { job: string; engine: string; create: string[]; replace: unknown[]; keep: string[]; remove: string[] };
    assert.deepEqual(diff, { job: 'seed', cluster: 'seed', create: ['seed/task1', 'seed/task2', 'seed/task3'], replace: [], keep: [], remove: [], engine: 'swarm' });
  });

  it('bad arguments: the usage, exit 2', () => {
    for (const args of [['diff'], ['diff', 'a.job.yaml', 'b.job.yaml'], ['diff', 'examples/seed/seed.job.yaml', '--job', 'nope'], ['diff', 'examples/seed/seed.job.yaml', '--engine', 'mesos']]) {
      const r = berth(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, /^berth: (usage: berth diff|no job nope|unknown engine "mesos")/, args.join(' '));
    }
  });
});
