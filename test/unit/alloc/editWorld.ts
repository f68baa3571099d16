/**
 * Random workspaces and the edits a user makes to them, as the language server sees them: a task
 * the edit did not touch keeps its TaskInstance objects (and an untouched constraint list its
 * Constraint objects), an unchanged cluster keeps its nodes array. For the tests of what the
 * allocator reuses from one edit to the next (context.test.ts, scenarioCache.test.ts).
 */
import fc from 'fast-check';
import type { AllocationInput } from '../../../server/engine/alloc';
import type { ClusterNode, Constraint, ConstraintOperator, TaskInstance } from '../../../server/engine/model';
import { Gi, node, task } from './fixtures';

export type ConstraintDraft = readonly [string, ConstraintOperator, string?];

export interface TaskDraft {
  readonly name: string;
  readonly cpus: number;
  readonly mem: number;
  readonly disk: number;
  readonly gpus: number;
  readonly priority: number;
  readonly instances: number;
  readonly dependsOn: readonly string[];
  readonly constraints: readonly ConstraintDraft[];
  readonly dynamicPorts: number;
  readonly fixedPorts: readonly number[];
}

export interface JobDraft {
  readonly name: string;
  readonly strategy: 'binpack' | 'spread';
  readonly preemption: boolean;
  readonly tasks: readonly TaskDraft[];
}

export interface World {
  readonly nodes: readonly ClusterNode[];
  readonly jobs: readonly JobDraft[];
}

const VALUES = [undefined, '', '1', '2', 'x', 'a', 'b', 'n1', 'r[12]', '(', '1.0', 'inf'];
const NAMES = ['t0', 't1', 't2', 't3', 't4', 't5', 'nope'];

const constraintArb: fc.Arbitrary<ConstraintDraft> = fc.constantFrom<ConstraintDraft>(
  ['zone', 'UNIQUE'],
  ['hostname', 'UNIQUE'],
  ['rack', 'MAX_PER', '1'],
  ['rack', 'MAX_PER', 'x'],
  ['zone', 'CLUSTER', 'a'],
  ['rack', 'CLUSTER'],
  ['rack', 'LIKE', 'r[12]'],
  ['rack', 'LIKE', '('],
  ['zone', 'UNLIKE', 'c'],
  ['zone', 'IS', 'b'],
  ['size', 'IS', '1.0'],
  ['hostname', 'IS', 'n0'],
  ['zone', 'GROUP_BY'],
  ['rack', 'GROUP_BY', '2'],
  ['missing', 'GROUP_BY'],
);

/**
 * `mixed`: every kind of input, small clusters, tasks that often do not fit (the compiler's corner
 * cases). `light`: larger clusters, small tasks, mostly unconstrained binpack, a plan that places
 * everything, as most workspaces are (what the allocator's reuse across edits is for).
 */
export type Profile = 'mixed' | 'light';

const nodeArb = (name: string, profile: Profile): fc.Arbitrary<ClusterNode> =>
  fc
    .record({
      cpus: fc.integer({ min: 1, max: 8 }),
      mem: profile === 'light' ? fc.integer({ min: 2, max: 16 }) : fc.integer({ min: 1, max: 16 }),
      disk: profile === 'light' ? fc.constant(64) : fc.integer({ min: 0, max: 16 }),
      gpus: fc.constantFrom(0, 0, 1),
      ports: fc.constantFrom(0, 1, 2),
      zone: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
      rack: fc.constantFrom('r1', 'r2', 'r3'),
      size: fc.constantFrom('1', '2'),
    })
    .map((n) =>
      node(name, n.cpus, n.mem * Gi, n.disk * Gi, {
        gpus: n.gpus,
        ports: [[], [{ from: 8000, to: 8003 }], [{ from: 8002, to: 8005 }, { from: 8000, to: 8001 }]][n.ports],
        attributes: n.zone === undefined ? { rack: n.rack, size: n.size } : { zone: n.zone, rack: n.rack, size: n.size },
      }),
    );

const draftArb = (name: string, profile: Profile): fc.Arbitrary<TaskDraft> =>
  profile === 'light'
    ? fc.record({
        name: fc.constant(name),
        cpus: fc.constantFrom(0.25, 0.5, 0.75, 1, 1.5),
        mem: fc.constantFrom(256, 512, 1024, 2048),
        disk: fc.constant(256),
        gpus: fc.constant(0),
        priority: fc.constantFrom(50, 100, 100, 100, 200),
        instances: fc.constantFrom(1, 1, 1, 2),
        dependsOn: fc.constantFrom([], [], [], ['t0'], ['t1']),
        constraints: fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(constraintArb, { maxLength: 1 }) }),
        dynamicPorts: fc.constantFrom(0, 0, 0, 1),
        fixedPorts: fc.constantFrom([], [], [], [8001]),
      })
    : fc.record({
        name: fc.constant(name),
        cpus: fc.constantFrom(0.25, 0.5, 1, 2, 3),
        mem: fc.constantFrom(256, 512, 1024, 2048, 4096),
        disk: fc.constantFrom(0, 256, 1024),
        gpus: fc.constantFrom(0, 0, 0, 1),
        priority: fc.constantFrom(50, 100, 100, 200),
        instances: fc.integer({ min: 1, max: 3 }),
        dependsOn: fc.array(fc.constantFrom(...NAMES), { maxLength: 2 }),
        constraints: fc.array(constraintArb, { maxLength: 2 }),
        dynamicPorts: fc.constantFrom(0, 0, 1, 2),
        fixedPorts: fc.constantFrom([], [], [8000], [8001, 8000]),
      });

/** Light clusters are larger: names padded, so that name order is index order. */
const nodeName = (i: number, profile: Profile): string => (profile === 'light' ? `n${String(i).padStart(2, '0')}` : `n${i}`);

export const worldArb = (profile: Profile): fc.Arbitrary<World> =>
  fc
    .record({
      nodes: (profile === 'light' ? fc.integer({ min: 8, max: 28 }) : fc.integer({ min: 1, max: 6 })).chain((n) =>
        fc.tuple(...Array.from({ length: n }, (_, i) => nodeArb(nodeName(i, profile), profile))),
      ),
      jobs: fc.array(
        fc.record({
          strategy: profile === 'light' ? fc.constantFrom('binpack' as const, 'binpack' as const, 'binpack' as const, 'spread' as const) : fc.constantFrom('binpack' as const, 'spread' as const),
          preemption: fc.boolean(),
          tasks: (profile === 'light' ? fc.integer({ min: 2, max: 14 }) : fc.integer({ min: 1, max: 6 })).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => draftArb(`t${i}`, profile)))),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    })
    .map(({ nodes, jobs }) => ({ nodes, jobs: jobs.map((j, i) => ({ name: `j${i}`, ...j })) }));

export const KINDS = ['resources', 'constraints', 'value', 'dependsOn', 'priority', 'ports', 'instances', 'add', 'remove', 'duplicate', 'reorder', 'job', 'node', 'nodesCopy', 'none', 'respan'] as const;

export interface Edit {
  readonly kind: (typeof KINDS)[number];
  readonly job: number;
  readonly pick: number;
  readonly draft: TaskDraft;
  readonly node: ClusterNode;
}

export const editArb = (profile: Profile): fc.Arbitrary<Edit> =>
  fc.record({
    kind: fc.constantFrom(...KINDS),
    job: fc.nat(),
    pick: fc.nat(),
    draft: draftArb('new', profile),
    // A node of the cluster (by name) or a new one.
    node: fc.constantFrom(0, 1, 2, 40).chain((i) => nodeArb(nodeName(i, profile), profile)),
  });

/** The world after an edit: new objects only for what the edit touches, as the editor's check gives. */
export function applyEdit(world: World, e: Edit): World {
  const ji = e.job % world.jobs.length;
  const job = world.jobs[ji];
  const ti = e.pick % job.tasks.length;
  const t = job.tasks[ti];
  const withTasks = (tasks: readonly TaskDraft[]): World => ({ nodes: world.nodes, jobs: world.jobs.map((j, i) => (i === ji ? { ...j, tasks } : j)) });
  const replace = (draft: TaskDraft): World => withTasks(job.tasks.map((x, i) => (i === ti ? draft : x)));
  const d = e.draft;
  switch (e.kind) {
    case 'resources':
      return replace({ ...t, cpus: d.cpus, mem: d.mem, disk: d.disk, gpus: d.gpus });
    case 'constraints':
      return replace({ ...t, constraints: d.constraints });
    case 'value':
      // The same field and operator, another value (or none).
      return replace({ ...t, constraints: t.constraints.map((c, i): ConstraintDraft => (i === 0 ? [c[0], c[1], VALUES[e.pick % VALUES.length]] : c)) });
    case 'dependsOn':
      return replace({ ...t, dependsOn: d.dependsOn });
    case 'priority':
      return replace({ ...t, priority: d.priority });
    case 'ports':
      return replace({ ...t, dynamicPorts: d.dynamicPorts, fixedPorts: d.fixedPorts });
    case 'instances':
      return replace({ ...t, instances: d.instances });
    case 'add':
      return withTasks([...job.tasks.slice(0, ti), { ...d, name: `t${job.tasks.length + (e.pick % 3)}` }, ...job.tasks.slice(ti)]);
    case 'remove':
      return job.tasks.length > 1 ? withTasks(job.tasks.filter((_, i) => i !== ti)) : world;
    case 'duplicate':
      return withTasks([...job.tasks, { ...d, name: t.name }]);
    case 'reorder':
      return withTasks([...job.tasks].reverse());
    case 'job':
      return { nodes: world.nodes, jobs: world.jobs.map((j, i) => (i === ji ? { ...j, strategy: j.strategy === 'spread' ? 'binpack' : 'spread', preemption: !j.preemption } : j)) };
    case 'node': {
      const ni = e.pick % world.nodes.length;
      return { ...world, nodes: e.pick % 4 === 0 ? [...world.nodes, e.node] : world.nodes.map((n, i) => (i === ni ? e.node : n)) };
    }
    case 'nodesCopy':
      return { ...world, nodes: [...world.nodes] };
    case 'none':
    case 'respan':
      return world;
  }
}

export interface Kept {
  /** The instances of an unchanged draft (as rebaseAnalysis keeps them). */
  readonly instances: WeakMap<TaskDraft, TaskInstance[]>;
  /** The Constraint objects of an unchanged list of constraints, in a draft edited elsewhere. */
  readonly constraints: WeakMap<readonly ConstraintDraft[], readonly Constraint[]>;
}

let spans = 0;

export const createKept = (): Kept => ({ instances: new WeakMap(), constraints: new WeakMap() });

export function toInput(world: World, kept: Kept): AllocationInput {
  return {
    nodes: world.nodes,
    jobs: world.jobs.map((j) => ({
      name: j.name,
      strategy: j.strategy,
      preemption: j.preemption,
      tasks: j.tasks.flatMap((d) => {
        let list = kept.instances.get(d);
        if (list === undefined) {
          let constraints = kept.constraints.get(d.constraints);
          if (constraints === undefined) {
            // New Constraint objects, each with a span of its own (as the parser gives them).
            constraints = task(j.name, d.name, d.cpus, d.mem, d.disk, d)[0].constraints.map((c) => ({ ...c, span: { start: ++spans, end: spans } }));
            kept.constraints.set(d.constraints, constraints);
          }
          list = task(j.name, d.name, d.cpus, d.mem, d.disk, { ...d, constraints: [] }).map((t) => ({ ...t, constraints }));
          kept.instances.set(d, list);
        }
        return list;
      }),
    })),
  };
}
