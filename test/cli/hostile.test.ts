/**
 * `berth check` and `berth plan` on hostile documents (issue 18), generated here: each ends within
 * its deadline (the child is killed past it, which fails the test), with a clear message and no
 * stack trace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { aliasBombJob, backtrackingCluster, backtrackingJob, bigCluster, bigJob, cliqueJob, cycleJob, deepJob, hostileFolder, jobNaming, makeFifo } from '../hostileSpecs';
import { repoPath } from '../unit/spec/repoRoot';

const DEADLINE_MS = 20_000;
const folders: string[] = [];
after(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

function berth(cwd: string, ...args: string[]): Run {
  return berthWith({}, cwd, ...args);
}

function berthWith(env: Record<string, string>, cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [repoPath('bin', 'berth.js'), ...args], { cwd, encoding: 'utf8', timeout: DEADLINE_MS, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
  assert.equal(r.signal, null, `berth ${args.join(' ')} did not end within ${DEADLINE_MS} ms`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'a stack trace');
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function folder(files: Record<string, string>, cluster?: string): string {
  const dir = hostileFolder(files, cluster);
  folders.push(dir);
  return dir;
}

describe('hostile documents on the command line', () => {
  it('LIKE "(a+)+" against 40 a and a !: check passes, plan ends with the task left without a node', () => {
    const dir = folder({ 'hostile.job.yaml': backtrackingJob() }, backtrackingCluster());
    assert.equal(berth(dir, 'check', 'hostile.job.yaml').code, 0);
    const plan = berth(dir, 'plan', 'hostile.job.yaml');
    assert.equal(plan.code, 0, plan.err);
    assert.match(plan.out, /^api\s+unplaced/m);
  });

  it('a pattern RE2 refuses is an error at the pattern', () => {
    const dir = folder({ 'hostile.job.yaml': backtrackingJob().replace('(a+)+', '(a)\\\\1') }, backtrackingCluster());
    const r = berth(dir, 'check', 'hostile.job.yaml');
    assert.equal(r.code, 1);
    assert.match(r.out, /^hostile\.job\.yaml:8:32: error spec\/bad-regex LIKE value "\(a\)\\1" is not a valid regular expression \(RE2 syntax\): backreferences are not supported/m);
  });

  it('cluster: /dev/zero is an error at the reference, never read; naming the device itself is a usage error', () => {
    const dir = folder({ 'hostile.job.yaml': jobNaming('/dev/zero') });
    const check = berth(dir, 'check', 'hostile.job.yaml');
    assert.equal(check.code, 1);
    assert.match(check.out, /^hostile\.job\.yaml:4:10: error spec\/cluster-unreadable the cluster file \/dev\/zero is not read: it is a character device, not a regular file$/m);
    const plan = berth(dir, 'plan', 'hostile.job.yaml');
    assert.equal(plan.code, 2);
    assert.match(plan.err, /spec\/cluster-unreadable/);
    const direct = berth(dir, 'check', '/dev/zero');
    assert.equal(direct.code, 2);
    assert.equal(direct.err, 'berth: cannot read /dev/zero: it is a character device, not a regular file\n');
  });

  it('a FIFO as the cluster file is an error at the reference, never opened for a read that waits', () => {
    const dir = folder({ 'hostile.job.yaml': jobNaming('./fifo.cluster.yaml') });
    makeFifo(join(dir, 'fifo.cluster.yaml'));
    const check = berth(dir, 'check', 'hostile.job.yaml');
    assert.equal(check.code, 1);
    assert.match(check.out, /error spec\/cluster-unreadable the cluster file \.\/fifo\.cluster\.yaml is not read: it is a FIFO, not a regular file$/m);
    assert.equal(berth(dir, 'plan', 'hostile.job.yaml').code, 2);
    const direct = berth(dir, 'check', 'fifo.cluster.yaml');
    assert.equal(direct.code, 2);
    assert.match(direct.err, /^berth: cannot read .*fifo\.cluster\.yaml: it is a FIFO, not a regular file\n$/);
  });

  it('a dependsOn cycle through 10,000 tasks: one compact error, and check ends', () => {
    const dir = folder({ 'hostile.job.yaml': cycleJob(10_000) });
    const check = berth(dir, 'check', 'hostile.job.yaml');
    assert.equal(check.code, 1);
    assert.equal(check.out, 'hostile.job.yaml:8:17: error spec/dependency-cycle dependency cycle of 10000 tasks: t0 → t1 → t2 → t3 → t4 → … → t9999 → t0\n');
    const plan = berth(dir, 'plan', 'hostile.job.yaml');
    assert.equal(plan.code, 2);
    assert.ok(plan.err.length < 1000, `${plan.err.length} characters on stderr`);
  });

  it('300 tasks each depending on all the others: the cycle once, no stack trace from check or plan', () => {
    const dir = folder({ 'hostile.job.yaml': cliqueJob(300) });
    const check = berth(dir, 'check', 'hostile.job.yaml');
    assert.equal(check.code, 1);
    assert.equal(check.out.split('\n').filter((l) => l.includes('spec/dependency-cycle')).length, 2);
    assert.equal(berth(dir, 'plan', 'hostile.job.yaml').code, 2);
  });

  for (const where of ['unknown-key', 'env'] as const) {
    it(`an alias bomb (9 levels of 10 aliases) ${where === 'env' ? 'in env' : 'under an unknown key'}: check reports spec problems, plan ends`, () => {
      const dir = folder({ 'hostile.job.yaml': aliasBombJob(where) });
      const check = berth(dir, 'check', 'hostile.job.yaml');
      assert.equal(check.code, 1);
      if (where === 'unknown-key') assert.match(check.out, /^hostile\.job\.yaml:5:1: error spec\/unknown-field /m);
      else assert.match(check.out, /error spec\//);
      assert.ok(check.out.length < 10_000, `${check.out.length} characters of output`);
      assert.equal(berth(dir, 'plan', 'hostile.job.yaml').code, 2);
    });
  }

  it('block mappings 3,000 deep: spec/too-deep, from check and plan', () => {
    const dir = folder({ 'hostile.job.yaml': deepJob(3_000) });
    const check = berth(dir, 'check', 'hostile.job.yaml');
    assert.equal(check.code, 1);
    assert.match(check.out, /error spec\/too-deep nested more than 256 levels deep/);
    const plan = berth(dir, 'plan', 'hostile.job.yaml');
    assert.equal(plan.code, 2);
    assert.match(plan.err, /spec\/too-deep/);
  });

  for (const [name, file, make] of [
    ['a 20 MB job', 'big.job.yaml', (): string => bigJob(20_000_000)],
    ['a 20 MB cluster', 'big.cluster.yaml', (): string => bigCluster(20_000_000)],
  ] as const) {
    it(`${name}: not read, a usage error that says why`, () => {
      const dir = folder({ [file]: make() });
      for (const verb of ['check', 'plan']) {
        const r = berth(dir, verb, file);
        assert.equal(r.code, 2);
        assert.match(r.err, new RegExp(`^berth: cannot read .*${file.replace(/\./g, '\\.')}: it is 19\\.1 MiB, above the 16 MiB limit\\n$`));
      }
    });
  }

  it('the time budget: check and plan past it stop with a clear error and exit 2; --time-budget and BERTH_TIME_BUDGET_MS set it', () => {
    const dir = folder({ 'hostile.job.yaml': cycleJob(10_000) });
    const stopped = /^berth: (check|plan) stopped: the analysis took longer than its time budget of 50 ms \(too expensive; --time-budget MS or BERTH_TIME_BUDGET_MS sets the budget\)\n$/;
    const check = berth(dir, 'check', 'hostile.job.yaml', '--time-budget', '50');
    assert.equal(check.code, 2);
    assert.equal(check.out, '');
    assert.match(check.err, stopped);
    const plan = berthWith({ BERTH_TIME_BUDGET_MS: '50' }, dir, 'plan', '--time-budget=50', 'hostile.job.yaml');
    assert.equal(plan.code, 2);
    assert.match(plan.err, stopped);
    const env = berthWith({ BERTH_TIME_BUDGET_MS: '50' }, dir, 'check', 'hostile.job.yaml');
    assert.equal(env.code, 2);
    assert.match(env.err, stopped);
    // Within the budget the same check ends as it always did.
    const within = berth(dir, 'check', 'hostile.job.yaml', '--time-budget', '19000');
    assert.equal(within.code, 1);
    assert.match(within.out, /spec\/dependency-cycle/);
    const bad = berth(dir, 'check', 'hostile.job.yaml', '--time-budget', 'soon');
    assert.equal(bad.code, 2);
    assert.equal(bad.err, 'berth: --time-budget takes a whole number of milliseconds, at least 1 (got "soon")\n');
    assert.match(berth(dir, '--help').out, /--time-budget MS \(or the\nenvironment variable BERTH_TIME_BUDGET_MS\)/);
  });
});
