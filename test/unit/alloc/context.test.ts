/**
 * createContext reuses what it compiled for the previous input on the same nodes array (the
 * editor's next keystroke). Over random instances and random sequences of edits made the way the
 * editor makes them (unchanged tasks keep their TaskInstance objects, an unchanged cluster keeps
 * its nodes array), the context of the reusing path must equal, field by field, the context of a
 * deep copy of the same input (a nodes array never seen: compiled from nothing), and both must give
 * the same plan and failover scan. Contexts already handed out must not change under later ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allocate, createContext, planAndSimulate, type AllocationInput, type CompiledInput } from '../../../server/engine/alloc';
import type { ClusterNode, Constraint, ConstraintOperator, TaskInstance } from '../../../server/engine/model';
import { Gi, node, task } from './fixtures';

type ConstraintDraft = readonly [string, ConstraintOperator, string?];

interface TaskDraft {
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

interface JobDraft {
  readonly name: string;
  readonly strategy: 'binpack' | 'spread';
  readonly preemption: boolean;
  readonly tasks: readonly TaskDraft[];
}

interface World {
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

const nodeArb = (name: string): fc.Arbitrary<ClusterNode> =>
  fc
    .record({
      cpus: fc.integer({ min: 1, max: 8 }),
      mem: fc.integer({ min: 1, max: 16 }),
      disk: fc.integer({ min: 0, max: 16 }),
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

const draftArb = (name: string): fc.Arbitrary<TaskDraft> =>
  fc.record({
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

const worldArb: fc.Arbitrary<World> = fc
  .record({
    nodes: fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => nodeArb(`n${i}`)))),
    jobs: fc.array(
      fc.record({
        strategy: fc.constantFrom('binpack' as const, 'spread' as const),
        preemption: fc.boolean(),
        tasks: fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => draftArb(`t${i}`)))),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  })
  .map(({ nodes, jobs }) => ({ nodes, jobs: jobs.map((j, i) => ({ name: `j${i}`, ...j })) }));

const KINDS = ['resources', 'constraints', 'value', 'dependsOn', 'priority', 'ports', 'instances', 'add', 'remove', 'duplicate', 'reorder', 'job', 'node', 'nodesCopy', 'none', 'respan'] as const;

interface Edit {
  readonly kind: (typeof KINDS)[number];
  readonly job: number;
  readonly pick: number;
  readonly draft: TaskDraft;
  readonly node: ClusterNode;
}

const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom(...KINDS),
  job: fc.nat(),
  pick: fc.nat(),
  draft: draftArb('new'),
  node: fc.constantFrom('n0', 'n1', 'n2', 'n6').chain(nodeArb),
});

/** The world after an edit: new objects only for what the edit touches, as the editor's check gives. */
function applyEdit(world: World, e: Edit): World {
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

interface Kept {
  /** The instances of an unchanged draft (as rebaseAnalysis keeps them). */
  readonly instances: WeakMap<TaskDraft, TaskInstance[]>;
  /** The Constraint objects of an unchanged list of constraints, in a draft edited elsewhere. */
  readonly constraints: WeakMap<readonly ConstraintDraft[], readonly Constraint[]>;
}

let spans = 0;

const createKept = (): Kept => ({ instances: new WeakMap(), constraints: new WeakMap() });

function toInput(world: World, kept: Kept): AllocationInput {
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

describe('createContext reuse', () => {
  it('after any sequence of edits equals a context compiled from nothing, and plans the same', () => {
    let nodesShared = 0;
    let tasksShared = 0;
    let groupsShared = 0;
    fc.assert(
      fc.property(worldArb, fc.array(editArb, { minLength: 1, maxLength: 8 }), (start, edits) => {
        let kept = createKept();
        let world = start;
        let input = toInput(world, kept);
        let ctx = createContext(input);
        let plan = allocate(input, ctx);
        for (const e of edits) {
          world = applyEdit(world, e);
          // An edit that moves every later item: new instances and new Constraint objects, equal but for spans.
          if (e.kind === 'respan') kept = createKept();
          const next = toInput(world, kept);
          const warm = createContext(next);
          const copy = structuredClone(next);
          const fresh = createContext(copy);
          assert.deepStrictEqual(warm, fresh, `after ${e.kind}`);
          // The reusing path was taken where it could be, and scratch is never shared.
          if (next.nodes === input.nodes) {
            assert.equal(warm.cap, ctx.cap, 'the same nodes array shares its tables');
            nodesShared++;
          }
          if (warm.taskIndex === ctx.taskIndex) tasksShared++;
          if (warm.groups.some((g, i) => g === ctx.groups[i])) groupsShared++;
          assert.notEqual(warm.share, ctx.share);
          assert.notEqual(warm.domDim, ctx.domDim);
          assert.notEqual(warm.nodeScratch[0], ctx.nodeScratch[0]);
          assert.notEqual(warm.nodeScratch[1], ctx.nodeScratch[1]);
          const warmPlan = allocate(next, warm);
          assert.deepStrictEqual(warmPlan, allocate(copy, fresh), `plan after ${e.kind}`);
          const scans = next.jobs.map((j) => ({ job: j.name, tolerate: 1, domains: ['zone'], suggest: false }));
          assert.deepStrictEqual(planAndSimulate(next, scans, warm), planAndSimulate(copy, scans, fresh), `failover after ${e.kind}`);
          // The previous context, still alive, is untouched by the new one and by planning with it.
          assert.deepStrictEqual(allocate(input, ctx), plan, `previous plan after ${e.kind}`);
          input = next;
          ctx = warm;
          plan = warmPlan;
        }
      }),
      { numRuns: 300, includeErrorInReport: true },
    );
    // Otherwise the property compared two contexts compiled from nothing and proved little.
    assert.ok(nodesShared > 300, `nodes tables shared ${nodesShared} times`);
    assert.ok(tasksShared > 100, `task index shared ${tasksShared} times`);
    assert.ok(groupsShared > 100, `groups shared ${groupsShared} times`);
  });

  it('the same input twice gives equal contexts that share everything but the scratch arrays', () => {
    const kept = createKept();
    const world = fc.sample(worldArb, { numRuns: 1, seed: 7 })[0];
    const nodes = [...world.nodes];
    // The first call on a nodes array keeps only the node tables; the second the task side too.
    const first: CompiledInput = createContext(toInput({ ...world, nodes }, kept));
    const a: CompiledInput = createContext(toInput({ ...world, nodes }, kept));
    const b: CompiledInput = createContext(toInput({ ...world, nodes }, kept));
    assert.equal(a.cap, first.cap);
    assert.notEqual(a.taskIndex, first.taskIndex);
    assert.deepStrictEqual(a, b);
    for (const key of ['nodes', 'nodeIndex', 'cap', 'invCap', 'ranges', 'taskIndex', 'taskGroup', 'cyclic', 'cycleNames'] as const) assert.equal(a[key], b[key], key);
    assert.ok(a.groups.every((g, i) => g.constraints.length > 0 || g === b.groups[i]));
    assert.notEqual(a.share, b.share);
    assert.notEqual(a.domDim, b.domDim);
  });

  it('notices a nodes array whose elements were replaced in place', () => {
    const world = fc.sample(worldArb, { numRuns: 1, seed: 11 })[0];
    const nodes = [...world.nodes];
    const input = toInput({ ...world, nodes }, createKept());
    const before = createContext(input);
    nodes[0] = node(nodes[0].name, 64, 64 * Gi, 64 * Gi, { attributes: { zone: 'z' } });
    const after = createContext(input);
    assert.notEqual(after.cap, before.cap);
    assert.deepStrictEqual(after, createContext(structuredClone(input)));
  });
});
