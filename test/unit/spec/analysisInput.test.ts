/**
 * The allocator's input of an analysis (`analyzeCluster(...).input`) takes, by position, what the
 * last input on the same cluster gave for the same spec objects, and patches a copy of a job's
 * task list when few specs changed. Whatever the edits between two analyses, the input must be
 * the instances of the job's specs in order, as `taskInstances` makes them (a moved spec's instances
 * may keep their constraints' earlier spans: see TaskInstance.constraints).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertProperty } from '../../testSeed';
import { analyzeCluster } from '../../../server/engine/analysis/analyzeCluster';
import { taskInstances, type ClusterSpec, type JobSpec, type TaskSpec } from '../../../server/engine/model';
import { plainTask, shiftTask } from '../../../server/engine/spec/movedSpecs';
import { comparableInstances } from './comparable';

const span = { start: 0, end: 1 };

function spec(name: string, instances: number, cpus: number, withConstraint: boolean): TaskSpec {
  return {
    name,
    env: {},
    resources: { cpus, mem: 64, disk: 0, gpus: 0 },
    ports: { dynamic: 0, fixed: [] },
    priority: 100,
    instances,
    dependsOn: [],
    constraints: withConstraint ? [{ field: 'hostname', operator: 'UNIQUE', span }] : [],
    restart: 'on-failure',
    resourceSpans: {},
    fixedPortSpans: [],
    nameSpan: span,
    span,
  };
}

function cluster(): ClusterSpec {
  const nodes = ['n1', 'n2', 'n3'].map((name) => ({
    name,
    resources: { cpus: 64_000, mem: 1 << 20, disk: 1 << 20, gpus: 0 },
    ports: [],
    attributes: {},
    nameSpan: span,
    span,
  }));
  return { name: 'c', engine: 'local', defaults: {}, nodes, nameSpan: span };
}

function job(name: string, tasks: readonly TaskSpec[]): JobSpec {
  return { name, cluster: { name: 'c', span }, strategy: 'binpack', preemption: false, failover: { tolerate: 1, domains: [], domainSpans: [] }, tasks, nameSpan: span };
}

type Op =
  | { kind: 'cpus'; at: number; cpus: number }
  | { kind: 'instances'; at: number; instances: number }
  | { kind: 'move'; from: number; by: number }
  | { kind: 'insert'; at: number; instances: number }
  | { kind: 'remove'; at: number }
  | { kind: 'none' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('cpus' as const), at: fc.nat(), cpus: fc.integer({ min: 1, max: 4 }).map((c) => c * 250) }),
  fc.record({ kind: fc.constant('instances' as const), at: fc.nat(), instances: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('move' as const), from: fc.nat(), by: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), instances: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.constant({ kind: 'none' as const }),
);

let named = 0;

function apply(tasks: readonly TaskSpec[], o: Op): TaskSpec[] {
  const out = [...tasks];
  const at = (i: number): number => (out.length === 0 ? 0 : i % out.length);
  switch (o.kind) {
    case 'cpus':
      // (A moved spec's fields are getters: spread its plain form.)
      if (out.length > 0) out[at(o.at)] = { ...plainTask(out[at(o.at)]), resources: { ...out[at(o.at)].resources, cpus: o.cpus } };
      break;
    case 'instances':
      if (out.length > 0) out[at(o.at)] = { ...plainTask(out[at(o.at)]), instances: o.instances };
      break;
    case 'move':
      // A length-changing edit: every spec from `from` on is moved (new objects, same values).
      for (let i = at(o.from); i < out.length; i++) out[i] = shiftTask(out[i], o.by);
      break;
    case 'insert':
      out.splice(out.length === 0 ? 0 : o.at % (out.length + 1), 0, spec(`new${named++}`, o.instances, 500, named % 2 === 0));
      break;
    case 'remove':
      if (out.length > 0) out.splice(at(o.at), 1);
      break;
    case 'none':
      break;
  }
  return out;
}

test('an analysis after edits gets every spec\'s instances in order, whatever the edits since the last one', () => {
  assertProperty(
    fc.property(
      fc.array(fc.record({ instances: fc.integer({ min: 1, max: 3 }), constrained: fc.boolean() }), { minLength: 0, maxLength: 8 }),
      fc.array(op, { minLength: 1, maxLength: 12 }),
      (initial, ops) => {
        const c = cluster();
        let tasks: TaskSpec[] = initial.map((t, i) => spec(`t${i}`, t.instances, 500, t.constrained));
        // A second job on the same cluster, never edited: its list is kept as it was.
        const other = job('other', [spec('o', 2, 250, false)]);
        let otherTasks: unknown;
        for (const o of [{ kind: 'none' as const }, ...ops]) {
          tasks = apply(tasks, o);
          const input = analyzeCluster(c, [job('j', tasks), other], { failover: false }).input;
          assert.deepEqual(comparableInstances(input.jobs[0]?.tasks), comparableInstances(tasks.flatMap((t) => taskInstances('j', t))), `after ${JSON.stringify(o)}`);
          assert.deepEqual(input.jobs[1]?.tasks, taskInstances('other', other.tasks[0]));
          if (otherTasks !== undefined) assert.equal(input.jobs[1]?.tasks, otherTasks, 'an unchanged job keeps its list');
          otherTasks = input.jobs[1]?.tasks;
        }
      },
    ),
    { numRuns: 300 },
  );
});
