/**
 * Greedy choices (replay.ts) and failover scenarios (scanReuse.ts) kept across an edit give the plan
 * and the scans a fresh call computes: random
 * instances, then random edits as the language server sees them (tasks the edit did not touch keep
 * their instance objects; the cluster keeps its nodes array unless a node is edited), each planned
 * and scanned twice, with the previous call's memo and without. Checked: plans and every report
 * deep-equal, and that the run kept a fair share of scenarios (else it would prove nothing).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createContext, planAndSimulate, type AllocationInput, type FailoverOptions, type PlanScanMemo } from '../../../server/engine/alloc';
import type { ClusterNode, ConstraintOperator, TaskInstance } from '../../../server/engine/model';
import { Gi, job, node, task } from './fixtures';

type ConstraintDraft = readonly [string, ConstraintOperator, string?];

interface TaskDraft {
  readonly name: string;
  readonly cpus: number;
  readonly mem: number;
  readonly priority: number;
  readonly instances: number;
  readonly deps: readonly string[];
  readonly constraints: readonly ConstraintDraft[];
  readonly dynamicPorts: number;
  readonly fixedPorts: readonly number[];
}

interface JobDraft {
  readonly strategy: 'binpack' | 'spread';
  readonly preemption: boolean;
  readonly tasks: readonly TaskDraft[];
}

const CONSTRAINTS: readonly ConstraintDraft[] = [
  ['zone', 'UNIQUE'],
  ['hostname', 'UNIQUE'],
  ['rack', 'MAX_PER', '2'],
  ['zone', 'CLUSTER', 'a'],
  ['zone', 'GROUP_BY', '2'],
  ['rack', 'LIKE', 'r[12]'],
];

const nodeArb = (i: number): fc.Arbitrary<ClusterNode> =>
  fc
    .record({ cpus: fc.integer({ min: 1, max: 8 }), mem: fc.integer({ min: 2, max: 16 }), ports: fc.boolean(), zone: fc.constantFrom('a', 'b', 'c'), rack: fc.constantFrom('r1', 'r2', 'r3') })
    .map((n) => node(`n${String(i).padStart(2, '0')}`, n.cpus, n.mem * Gi, 64 * Gi, { ports: n.ports ? [{ from: 8000, to: 8003 }] : [], attributes: { zone: n.zone, rack: n.rack } }));

const taskArb = (name: string): fc.Arbitrary<TaskDraft> =>
  fc.record({
    name: fc.constant(name),
    // Mostly a plan that places everything (a task left without a node stops the hints).
    cpus: fc.constantFrom(0.25, 0.5, 0.75, 1, 1.5),
    mem: fc.constantFrom(256, 512, 1024, 2048),
    priority: fc.constantFrom(50, 100, 100, 100, 200),
    instances: fc.constantFrom(1, 1, 1, 2),
    deps: fc.constantFrom([], [], [], ['t0'], ['t1']),
    // Mostly unconstrained, as most tasks are: those are the scenarios that can be kept.
    constraints: fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.constantFrom(...CONSTRAINTS), { maxLength: 1 }) }),
    dynamicPorts: fc.constantFrom(0, 0, 0, 1),
    fixedPorts: fc.constantFrom([], [], [], [8001]),
  });

const jobArb = (ji: number): fc.Arbitrary<JobDraft> =>
  fc.record({
    strategy: fc.constantFrom('binpack' as const, 'binpack' as const, 'binpack' as const, 'spread' as const),
    preemption: fc.boolean(),
    tasks: fc.integer({ min: 2, max: 14 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, ti) => taskArb(`j${ji}t${ti}`)))),
  });

type Edit =
  | { readonly kind: 'task'; readonly job: number; readonly at: number; readonly draft: TaskDraft }
  | { readonly kind: 'remove'; readonly job: number; readonly at: number }
  | { readonly kind: 'job'; readonly job: number; readonly strategy: 'binpack' | 'spread'; readonly preemption: boolean }
  | { readonly kind: 'node'; readonly at: number; readonly node: ClusterNode };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('task' as const), job: fc.nat(1), at: fc.nat(16), draft: taskArb('') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), job: fc.nat(1), at: fc.nat(16) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('job' as const), job: fc.nat(1), strategy: fc.constantFrom('binpack' as const, 'spread' as const), preemption: fc.boolean() }) },
  { weight: 1, arbitrary: fc.nat(15).chain((at) => nodeArb(at).map((n) => ({ kind: 'node' as const, at, node: n }))) },
);

/** A task edit changes one field of an existing task (or adds one past the end), as typing does. */
function applyEdit(jobs: JobDraft[], nodes: ClusterNode[], e: Edit): { jobs: JobDraft[]; nodes: ClusterNode[] } {
  if (e.kind === 'node') {
    const at = e.at % nodes.length;
    return { jobs, nodes: nodes.map((n, i) => (i === at ? { ...e.node, name: n.name } : n)) };
  }
  const j = e.job % jobs.length;
  const target = jobs[j];
  let next: JobDraft;
  if (e.kind === 'job') next = { ...target, strategy: e.strategy, preemption: e.preemption };
  else if (e.kind === 'remove') next = { ...target, tasks: target.tasks.filter((_, i) => i !== e.at % target.tasks.length) };
  else if (e.at >= target.tasks.length) next = { ...target, tasks: [...target.tasks, { ...e.draft, name: `j${j}t${e.at}x${target.tasks.length}` }] };
  else {
    const old = target.tasks[e.at];
    const fields = ['cpus', 'mem', 'priority', 'instances', 'deps', 'constraints', 'dynamicPorts', 'fixedPorts'] as const;
    const field = fields[(e.at + e.draft.name.length + Math.round(e.draft.cpus * 4)) % fields.length];
    next = { ...target, tasks: target.tasks.map((t, i) => (i === e.at ? { ...old, [field]: e.draft[field] } : t)) };
  }
  return { jobs: jobs.map((x, i) => (i === j ? next : x)), nodes };
}

/** The input, reusing the instances of task drafts seen before (the server keeps unedited tasks' instances). */
function inputOf(jobs: readonly JobDraft[], nodes: readonly ClusterNode[], instances: Map<TaskDraft, TaskInstance[]>): AllocationInput {
  return {
    nodes,
    jobs: jobs.map((j, ji) => {
      const name = `j${ji}`;
      const tasks = j.tasks.map((t) => {
        let list = instances.get(t);
        if (list === undefined) {
          list = task(name, t.name, t.cpus, t.mem, 256, {
            priority: t.priority,
            instances: t.instances,
            dependsOn: t.deps.map((d) => `j${ji}${d}`),
            constraints: t.constraints,
            dynamicPorts: t.dynamicPorts,
            fixedPorts: t.fixedPorts,
          });
          instances.set(t, list);
        }
        return list;
      });
      return job(name, tasks, { strategy: j.strategy, preemption: j.preemption });
    }),
  };
}

function scansOf(jobs: readonly JobDraft[]): FailoverOptions[] {
  // Single nodes for every job; zones for the first (scenario keys of several nodes).
  return jobs.map((_, ji) => ({ job: `j${ji}`, tolerate: 1, domains: ji === 0 ? ['zone'] : [], suggest: false }));
}

describe('choices and failover scenarios kept across edits', () => {
  it('equal a fresh scan after every edit of a random sequence', () => {
    const totals = { kept: 0, run: 0, choicesKept: 0, searched: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 28 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => nodeArb(i)))),
        fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 2 }).chain((js) => fc.tuple(...js.map((_, ji) => jobArb(ji)))),
        fc.array(editArb, { minLength: 1, maxLength: 6 }),
        (nodes0, jobs0, edits) => {
          const instances = new Map<TaskDraft, TaskInstance[]>();
          let nodes = nodes0;
          let jobs = jobs0;
          let memo: PlanScanMemo | undefined = planAndSimulate(inputOf(jobs, nodes, instances), scansOf(jobs), undefined, {}).memo;
          for (const e of edits) {
            ({ jobs, nodes } = applyEdit(jobs, nodes, e));
            const input = inputOf(jobs, nodes, instances);
            const kept = planAndSimulate(input, scansOf(jobs), createContext(input), { previous: memo });
            const fresh = planAndSimulate(input, scansOf(jobs), createContext(input));
            assert.deepStrictEqual(kept.plan, fresh.plan);
            assert.deepStrictEqual(kept.reports, fresh.reports);
            totals.kept += kept.scenarios.kept;
            totals.run += kept.scenarios.run;
            totals.choicesKept += kept.choices.kept;
            totals.searched += kept.choices.searched;
            memo = kept.memo;
          }
        },
      ),
      { numRuns: 1500, seed: 7 },
    );
    // Without scenarios and choices kept the test would compare two fresh runs.
    assert.ok(totals.kept > totals.run / 5, `scenarios kept ${totals.kept}, run ${totals.run}`);
    assert.ok(totals.choicesKept > totals.searched / 5, `choices kept ${totals.choicesKept}, searched ${totals.searched}`);
  });
});
