/**
 * Allocator invariants on random instances (fast-check): no node overcommitted in any dimension,
 * constraints hold, dependencies come first, preemption only evicts strictly lower priority,
 * plans do not change under permutation of the input, and failover scenarios equal a from-scratch
 * reference. Each property is checked by code written here, independently of the allocator.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { assertProperty } from '../../testSeed';
import { allocate, planAndSimulate, simulateFailover, type AllocationInput, type AllocationJob, type Plan } from '../../../server/engine/alloc';
import { scenarioByAllocate } from '../../../server/engine/alloc/failover';
import type { ClusterNode, ConstraintOperator, TaskInstance } from '../../../server/engine/model';
import { Gi, job, node, placements, task } from './fixtures';

const ZONES = ['a', 'b', 'c'];

const nodeArb = (i: number): fc.Arbitrary<ClusterNode> =>
  fc
    .record({
      cpus: fc.integer({ min: 1, max: 8 }),
      mem: fc.integer({ min: 1, max: 16 }),
      disk: fc.integer({ min: 1, max: 16 }),
      gpus: fc.constantFrom(0, 0, 1, 2),
      ports: fc.boolean(),
      zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
      rack: fc.constantFrom('r1', 'r2', 'r3'),
    })
    .map((n) =>
      node(`n${i}`, n.cpus, n.mem * Gi, n.disk * Gi, {
        gpus: n.gpus,
        ports: n.ports ? [{ from: 8000, to: 8003 }] : [],
        attributes: n.zone === undefined ? { rack: n.rack } : { zone: n.zone, rack: n.rack },
      }),
    );

const constraintArb: fc.Arbitrary<readonly [string, ConstraintOperator, string?]> = fc.constantFrom(
  ['zone', 'UNIQUE'] as const,
  ['hostname', 'UNIQUE'] as const,
  ['rack', 'MAX_PER', '1'] as const,
  ['zone', 'CLUSTER', 'a'] as const,
  ['rack', 'LIKE', 'r[12]'] as const,
  ['zone', 'UNLIKE', 'c'] as const,
  ['zone', 'IS', 'b'] as const,
  ['hostname', 'IS', 'n0'] as const,
  ['rack', 'CLUSTER'] as const,
);

interface TaskDraft {
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
  priority: number;
  instances: number;
  deps: number[];
  constraints: (readonly [string, ConstraintOperator, string?])[];
  dynamicPorts: number;
  fixedPorts: number[];
}

const taskArb: fc.Arbitrary<TaskDraft> = fc.record({
  cpus: fc.constantFrom(0.25, 0.5, 1, 2, 3),
  mem: fc.constantFrom(256, 512, 1024, 2048, 4096),
  disk: fc.constantFrom(256, 1024, 2048),
  gpus: fc.constantFrom(0, 0, 0, 1),
  priority: fc.constantFrom(50, 100, 100, 200),
  instances: fc.integer({ min: 1, max: 3 }),
  deps: fc.array(fc.nat({ max: 20 }), { maxLength: 2 }),
  constraints: fc.array(constraintArb, { maxLength: 2 }),
  dynamicPorts: fc.constantFrom(0, 0, 1, 2),
  fixedPorts: fc.constantFrom([], [], [8000], [8001]),
});

const inputArb: fc.Arbitrary<AllocationInput> = fc
  .record({
    nodeCount: fc.integer({ min: 1, max: 6 }),
    jobs: fc.array(fc.record({ strategy: fc.constantFrom('binpack' as const, 'spread' as const), preemption: fc.boolean(), tasks: fc.array(taskArb, { minLength: 1, maxLength: 6 }) }), { minLength: 1, maxLength: 2 }),
  })
  .chain(({ nodeCount, jobs }) =>
    fc.tuple(...Array.from({ length: nodeCount }, (_, i) => nodeArb(i))).map((nodes) => ({
      nodes,
      jobs: jobs.map((j, ji): AllocationJob => {
        const name = `j${ji}`;
        const tasks = j.tasks.map((t, ti) =>
          task(name, `t${ti}`, t.cpus, t.mem, t.disk, {
            gpus: t.gpus,
            priority: t.priority,
            instances: t.instances,
            // Only earlier tasks: no cycles (cycles are the rules' business).
            dependsOn: [...new Set(t.deps.filter((d) => d < ti).map((d) => `t${d}`))],
            constraints: t.constraints,
            dynamicPorts: t.dynamicPorts,
            fixedPorts: t.fixedPorts,
          }),
        );
        return job(name, tasks, { strategy: j.strategy, preemption: j.preemption });
      }),
    })),
  );

function tasksOf(input: AllocationInput): TaskInstance[] {
  return input.jobs.flatMap((j) => j.tasks);
}

function attr(n: ClusterNode, field: string): string | undefined {
  return field === 'hostname' ? n.name : n.attributes[field];
}

/** Every invariant of one plan; returns the first violation, or undefined. */
function violation(input: AllocationInput, plan: Plan): string | undefined {
  const nodes = new Map(input.nodes.map((n) => [n.name, n]));
  const tasks = tasksOf(input);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const used = new Map<string, { cpus: number; mem: number; disk: number; gpus: number; ports: number[] }>();
  for (const t of tasks) {
    const r = plan.tasks.get(t.id);
    if (r === undefined) return `${t.id} has no result`;
    if (r.kind !== 'placed') continue;
    const n = nodes.get(r.node);
    if (!n) return `${t.id} on unknown node ${r.node}`;
    if (input.down?.has(r.node)) return `${t.id} on down node ${r.node}`;
    const u = used.get(r.node) ?? { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: [] };
    u.cpus += t.resources.cpus;
    u.mem += t.resources.mem;
    u.disk += t.resources.disk;
    u.gpus += t.resources.gpus;
    if (r.ports.length !== t.ports.dynamic + t.ports.fixed.length) return `${t.id} got ${r.ports.length} ports`;
    for (const p of t.ports.fixed) if (!r.ports.includes(p)) return `${t.id} lacks its fixed port ${p}`;
    for (const p of r.ports) if (!n.ports.some((g) => p >= g.from && p <= g.to)) return `${t.id} got port ${p} outside ${r.node}'s ranges`;
    u.ports.push(...r.ports);
    used.set(r.node, u);
    // Dependencies: every instance of every dependency placed. A task that keeps running where it
    // ran (`current`) stays even when a dependency is lost: dependencies order starts only.
    const kept = input.current?.get(t.id) === r.node;
    for (const d of kept ? [] : t.dependsOn) {
      for (const other of tasks) if (other.job === t.job && other.task === d && plan.tasks.get(other.id)?.kind !== 'placed') return `${t.id} placed before its dependency ${other.id}`;
    }
    // Static constraints.
    for (const c of t.constraints) {
      const v = attr(n, c.field);
      if (c.operator === 'UNLIKE') {
        if (v !== undefined && new RegExp(`^(?:${c.value ?? ''})$`).test(v)) return `${t.id} on ${r.node} breaks ${c.field} UNLIKE ${c.value ?? ''}`;
        continue;
      }
      if (v === undefined) return `${t.id} on ${r.node}, which lacks ${c.field}`;
      if (c.operator === 'LIKE' && !new RegExp(`^(?:${c.value ?? ''})$`).test(v)) return `${t.id} on ${r.node} breaks ${c.field} LIKE ${c.value ?? ''}`;
      if ((c.operator === 'IS' || (c.operator === 'CLUSTER' && c.value !== undefined)) && v !== c.value) return `${t.id} on ${r.node} breaks ${c.field} ${c.operator} ${c.value ?? ''}`;
    }
  }
  for (const [name, u] of used) {
    const cap = (nodes.get(name) as ClusterNode).resources;
    for (const d of ['cpus', 'mem', 'disk', 'gpus'] as const) if (u[d] > cap[d]) return `${name} overcommitted in ${d}: ${u[d]} > ${cap[d]}`;
    if (new Set(u.ports).size !== u.ports.length) return `${name} hands out a port twice: ${u.ports.join(',')}`;
  }
  // No task is left without a node while an up node has room for it (tasks with no constraints,
  // ports or dependencies to excuse it; without preemption, which may have queued it behind others).
  if (input.jobs.every((j) => !j.preemption)) {
    for (const t of tasks) {
      if (plan.tasks.get(t.id)?.kind === 'placed' || t.constraints.length > 0 || t.dependsOn.length > 0 || t.ports.dynamic + t.ports.fixed.length > 0) continue;
      for (const n of nodes.values()) {
        if (input.down?.has(n.name)) continue;
        const u = used.get(n.name) ?? { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: [] };
        if ((['cpus', 'mem', 'disk', 'gpus'] as const).every((d) => n.resources[d] - u[d] >= t.resources[d])) return `${t.id} left without a node though ${n.name} has room`;
      }
    }
  }
  // Counting constraints, per task (all its instances).
  const groups = new Map<string, TaskInstance[]>();
  for (const t of tasks) groups.set(`${t.job}/${t.task}`, [...(groups.get(`${t.job}/${t.task}`) ?? []), t]);
  for (const [key, members] of groups) {
    const placedOn = members.flatMap((t) => {
      const r = plan.tasks.get(t.id);
      return r?.kind === 'placed' ? [nodes.get(r.node) as ClusterNode] : [];
    });
    for (const c of members[0]?.constraints ?? []) {
      const values = placedOn.map((n) => attr(n, c.field));
      const counts = new Map<string | undefined, number>();
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
      if (c.operator === 'UNIQUE' && [...counts.values()].some((k) => k > 1)) return `${key}: two instances share ${c.field}`;
      if (c.operator === 'MAX_PER' && [...counts.values()].some((k) => k > Number(c.value))) return `${key}: more than ${c.value ?? ''} per ${c.field}`;
      if (c.operator === 'CLUSTER' && counts.size > 1) return `${key}: instances on several values of ${c.field}`;
    }
  }
  // Preemption: only strictly lower priorities, only by jobs that allow it. Priorities are
  // effective ones: a dependency inherits the highest priority of the tasks that depend on it
  // (so that a high-priority task is never stuck behind its low-priority dependency).
  const effective = effectivePriorities(tasks);
  for (const e of plan.evicted) {
    const victim = byId.get(e.task);
    const by = byId.get(e.by);
    if (!victim || !by) return `eviction of unknown tasks ${e.task} by ${e.by}`;
    const pv = effective.get(`${victim.job}/${victim.task}`) ?? victim.priority;
    const pb = effective.get(`${by.job}/${by.task}`) ?? by.priority;
    if (pv >= pb) return `${e.by} (priority ${pb}) evicted ${e.task} (priority ${pv})`;
    if (!input.jobs.find((j) => j.name === by.job)?.preemption) return `${e.by} evicted ${e.task} though its job does not preempt`;
  }
  return undefined;
}

/** `job/task` → the highest priority of the task and of everything that depends on it, transitively. */
function effectivePriorities(tasks: readonly TaskInstance[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of tasks) out.set(`${t.job}/${t.task}`, Math.max(out.get(`${t.job}/${t.task}`) ?? 0, t.priority));
  // Relax until nothing changes (the instances here are small and acyclic).
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of tasks) {
      const p = out.get(`${t.job}/${t.task}`) ?? t.priority;
      for (const d of t.dependsOn) {
        const key = `${t.job}/${d}`;
        if ((out.get(key) ?? 0) < p && out.has(key)) {
          out.set(key, p);
          changed = true;
        }
      }
    }
  }
  return out;
}

function shuffle<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A plan as plain data, for comparing two plans. */
function summary(plan: Plan): unknown {
  return { tasks: [...plan.tasks].sort((a, b) => (a[0] < b[0] ? -1 : 1)), evicted: plan.evicted.map((e) => `${e.task}<${e.by}@${e.from}`).sort() };
}

describe('allocator invariants (property-based)', () => {
  it('no node is overcommitted, constraints hold, dependencies come first, evictions are of strictly lower priority', () => {
    assertProperty(
      fc.property(inputArb, (input) => {
        const v = violation(input, allocate(input));
        assert.equal(v, undefined, v);
      }),
      { numRuns: 400, includeErrorInReport: true },
    );
  });

  it('the same after nodes fail: the plan with `down` nodes and `current` placements keeps every invariant', () => {
    assertProperty(
      fc.property(inputArb, fc.nat(), (input, pick) => {
        const plan = allocate(input);
        const lost = input.nodes[pick % input.nodes.length]?.name;
        const current = new Map(Object.entries(placements(plan)).filter(([, n]) => n !== lost));
        const after: AllocationInput = { ...input, current, down: new Set([lost]) };
        const v = violation(after, allocate(after));
        assert.equal(v, undefined, v);
      }),
      { numRuns: 200, includeErrorInReport: true },
    );
  });

  it('plans do not change under permutation of nodes, jobs and tasks', () => {
    assertProperty(
      fc.property(inputArb, fc.integer({ min: 1, max: 1 << 30 }), (input, seed) => {
        const permuted: AllocationInput = {
          nodes: shuffle(input.nodes, seed),
          jobs: shuffle(input.jobs, seed + 1).map((j) => ({ ...j, tasks: shuffle(j.tasks, seed + 2) })),
        };
        assert.deepEqual(summary(allocate(permuted)), summary(allocate(input)));
      }),
      { numRuns: 300, includeErrorInReport: true },
    );
  });

  it('every failover scenario equals the from-scratch reference: allocate() with the survivors kept and the lost nodes down', () => {
    assertProperty(
      fc.property(inputArb, fc.integer({ min: 1, max: 2 }), (input, tolerate) => {
        const plan = allocate(input);
        const report = simulateFailover(input, plan, { tolerate, domains: ['zone'], suggest: false });
        for (const s of report.scenarios) {
          const reference = scenarioByAllocate(input, plan, s.lost);
          assert.deepEqual({ moves: s.moves, unplaced: s.unplaced.map((u) => u.task), evicted: s.evicted.map((e) => e.task) }, { moves: reference.moves, unplaced: reference.unplaced.map((u) => u.task), evicted: reference.evicted.map((e) => e.task) }, `scenario ${s.lost.join('+')}`);
        }
        // Brute force, independent of the allocator: apply the scenario to the plan; only lost or
        // evicted tasks moved, nothing overcommits, and a task left without a node (with no
        // constraints, ports or dependencies to excuse it) really fits on no surviving node.
        const tasks = new Map(tasksOf(input).map((t) => [t.id, t]));
        for (const s of report.scenarios) {
          const where = new Map(Object.entries(placements(plan)));
          const lost = new Set(s.lost);
          const touched = new Set([...s.evicted.map((e) => e.task), ...[...where].filter(([, n]) => lost.has(n)).map(([id]) => id)]);
          for (const m of s.moves) {
            assert.ok(touched.has(m.task), `${m.task} moved though it was neither lost nor evicted`);
            where.set(m.task, m.to);
          }
          for (const u of s.unplaced) where.delete(u.task);
          for (const id of touched) if (!s.moves.some((m) => m.task === id) && !s.unplaced.some((u) => u.task === id)) assert.ok(!lost.has(where.get(id) ?? ''), `${id} still on a lost node`);
          // The whole state after the scenario (tasks that had no node before may have one now).
          const after = allocate({ ...input, current: new Map([...where].filter(([, n]) => !lost.has(n))), down: new Set(s.lost) });
          for (const [id, n] of where) if (!lost.has(n)) assert.equal(after.tasks.get(id)?.kind === 'placed' ? (after.tasks.get(id) as { node: string }).node : undefined, n, `${id} did not stay on ${n}`);
          const free = new Map(input.nodes.filter((n) => !lost.has(n.name)).map((n) => [n.name, { ...n.resources }]));
          for (const [id, r] of after.tasks) {
            const f = r.kind === 'placed' ? free.get(r.node) : undefined;
            const t = tasks.get(id);
            if (!f || !t) continue;
            for (const d of ['cpus', 'mem', 'disk', 'gpus'] as const) f[d] -= t.resources[d];
          }
          for (const [n, f] of free) for (const d of ['cpus', 'mem', 'disk', 'gpus'] as const) assert.ok(f[d] >= 0, `scenario ${s.lost.join('+')}: ${n} overcommitted in ${d}`);
          for (const u of s.unplaced) {
            const t = tasks.get(u.task);
            if (!t || t.constraints.length > 0 || t.dependsOn.length > 0 || t.ports.dynamic + t.ports.fixed.length > 0 || s.evicted.length > 0) continue;
            const fits = [...free].find(([, f]) => (['cpus', 'mem', 'disk', 'gpus'] as const).every((d) => f[d] >= t.resources[d]));
            assert.equal(fits, undefined, `scenario ${s.lost.join('+')}: ${u.task} left without a node though ${fits?.[0] ?? ''} has room`);
          }
        }
        // Safe exactly when no scenario leaves a task that ran before without a node.
        assert.equal(report.safe, report.scenarios.every((s) => s.unplaced.length === 0));
        // Every single node is a scenario.
        for (const n of input.nodes) assert.ok(report.scenarios.some((s) => s.kind === 'node' && s.lost.length === 1 && s.lost[0] === n.name), `no scenario for ${n.name}`);
      }),
      { numRuns: 200, includeErrorInReport: true },
    );
  });

  it('from live placements (current, nodes down), every scenario of the scan equals what a drill predicts: allocate() with those placements and the lost nodes down', () => {
    assertProperty(
      fc.property(inputArb, fc.array(fc.nat({ max: 40 }), { maxLength: 40 }), fc.nat({ max: 20 }), (input, picks, downPick) => {
        // Where the tasks run now: some tasks on any node (overcommitted or not; the allocator keeps what fits), a node down at times.
        const ids = input.jobs.flatMap((j) => j.tasks.map((t) => t.id));
        const current = new Map<string, string>();
        ids.forEach((id, i) => {
          const p = picks[i];
          const n = p === undefined || p % 4 === 0 ? undefined : input.nodes[p % input.nodes.length];
          if (n) current.set(id, n.name);
        });
        const downNode = input.nodes.length > 1 && downPick % 3 === 0 ? input.nodes[downPick % input.nodes.length]?.name : undefined;
        const live: AllocationInput = { ...input, current, ...(downNode === undefined ? {} : { down: new Set([downNode]) }) };
        const { reports } = planAndSimulate(live, [{ tolerate: 1, domains: ['zone'], suggest: false }]);
        for (const s of reports[0]?.scenarios ?? []) {
          const reference = scenarioByAllocate(live, allocate(live), s.lost);
          assert.deepEqual({ moves: s.moves, unplaced: s.unplaced.map((u) => u.task), evicted: s.evicted.map((e) => e.task) }, { moves: reference.moves, unplaced: reference.unplaced.map((u) => u.task), evicted: reference.evicted.map((e) => e.task) }, `scenario ${s.lost.join('+')}`);
        }
      }),
      { numRuns: 200, includeErrorInReport: true },
    );
  });

  it('planAndSimulate equals allocate() then simulateFailover() apart, for each of several scans', () => {
    assertProperty(
      fc.property(inputArb, fc.boolean(), (base, later) => {
        // Half the time a later call: the first plan running, its first node down.
        const first = allocate(base);
        const input: AllocationInput = later ? { ...base, current: new Map(Object.entries(placements(first))), down: new Set([base.nodes[0].name]) } : base;
        const scans = [
          { tolerate: 1, domains: [], suggest: false },
          { job: 'j0', tolerate: 2, domains: ['zone'], suggest: false },
        ];
        const together = planAndSimulate(input, scans);
        const plan = allocate(input);
        assert.deepEqual(summary(together.plan), summary(plan));
        assert.deepEqual(together.plan.evicted, plan.evicted);
        scans.forEach((scan, i) => assert.deepEqual(together.reports[i], simulateFailover(input, plan, scan), `scan ${i}`));
      }),
      { numRuns: 200, includeErrorInReport: true },
    );
  });

  it('a capacity suggestion, when made, makes every scenario safe', () => {
    assertProperty(
      fc.property(inputArb, (input) => {
        const plan = allocate(input);
        const report = simulateFailover(input, plan, { tolerate: 1, domains: [] });
        if (report.safe || !report.suggestion) return;
        const add = new Map(report.suggestion.perNode.map((p) => [p.node, p.add]));
        const grown: AllocationInput = {
          ...input,
          nodes: input.nodes.map((n) => {
            const a = add.get(n.name);
            return a ? { ...n, resources: { cpus: n.resources.cpus + a.cpus, mem: n.resources.mem + a.mem, disk: n.resources.disk + a.disk, gpus: n.resources.gpus + a.gpus } } : n;
          }),
        };
        const again = simulateFailover(grown, allocate(grown), { tolerate: 1, domains: [] });
        assert.ok(again.safe, `still unsafe after "${report.suggestion.summary}": ${again.scenarios.filter((s) => s.unplaced.length > 0).map((s) => s.lost.join('+')).join(', ')}`);
      }),
      { numRuns: 150, includeErrorInReport: true },
    );
  });
});
