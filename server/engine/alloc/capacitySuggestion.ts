/**
 * The least extra capacity that makes every failover scenario safe, and where: a verified greedy.
 * Round after round, take the first scenario that leaves a (relevant) task without a node, and add
 * what that task lacks to the node that lacks the least of it (relative to the cluster's total
 * capacity; ties by name), in that scenario's end state. First against the plan as it is (placements
 * kept, which converges quickly), then verified by planning the enlarged cluster afresh and running
 * every scenario again, as the preview and the controller would; if that re-plan is not safe, the
 * greedy goes on from it. Only a verified suggestion is returned (else none).
 */
import { allocate } from './allocate';
import { createContext } from './compiledInput';
import { D } from './nodeTables';
import { stateOfPlan } from './explain';
import { checkpoint, enumerateScenarios, FailoverSimulator, placementsOf } from './failover';
import { formatNames, formatResources } from './format';
import { countChecks, failedCount, fixedPortsFree } from './search';
import type { AllocationInput, CapacitySuggestion, FailoverOptions, Plan } from './types';

const MAX_ROUNDS = 32;
/** Alternatives ("to node1 or node3") are verified one by one: only on small clusters. */
const ALTERNATIVES_MAX_NODES = 64;
const ALTERNATIVES_TRIED = 4;

type Added = Map<string, number[]>;

function augment(input: AllocationInput, added: Added): AllocationInput {
  if (added.size === 0) return input;
  return {
    ...input,
    nodes: input.nodes.map((n) => {
      const a = added.get(n.name);
      if (a === undefined) return n;
      const r = n.resources;
      return { ...n, resources: { cpus: r.cpus + a[0], mem: r.mem + a[1], disk: r.disk + a[2], gpus: r.gpus + a[3] } };
    }),
  };
}

function jobTasks(input: AllocationInput, job: string | undefined): (id: string) => boolean {
  if (job === undefined) return () => true;
  const ids = new Set<string>();
  for (const j of input.jobs) if (j.name === job) for (const t of j.tasks) ids.add(t.id);
  return (id) => ids.has(id);
}

/** The first scenario leaving a relevant task without a node: its lost nodes and those tasks. */
function firstFailure(input: AllocationInput, plan: Plan, options: FailoverOptions): { lost: string[]; tasks: string[] } | undefined {
  const ctx = createContext(input);
  const relevant = jobTasks(input, options.job);
  const sim = new FailoverSimulator(ctx, input, plan);
  for (const spec of enumerateScenarios(ctx, input.down, options).scenarios) {
    checkpoint(options);
    const tasks = sim.run(spec.lost).unplaced.map((u) => u.task).filter(relevant);
    if (tasks.length > 0) return { lost: spec.lost, tasks };
  }
  return undefined;
}

/** What one unplaced task of the scenario lacks on the node that lacks the least. */
function deficit(input: AllocationInput, plan: Plan, lost: readonly string[], tasks: readonly string[]): { node: string; add: number[] } | undefined {
  const lostSet = new Set(lost);
  const current = new Map([...placementsOf(plan)].filter(([, node]) => !lostSet.has(node)));
  const scenario: AllocationInput = { ...input, current, down: new Set([...(input.down ?? []), ...lost]) };
  const after = allocate(scenario);
  const ctx = createContext(scenario);
  const st = stateOfPlan(ctx, after, scenario.down);
  const totals = new Float64Array(4);
  for (let i = 0; i < ctx.nodes.length; i++) if (st.down[i] === 0) for (let d = 0; d < 4; d++) totals[d] += ctx.cap[i * D + d];
  for (const id of tasks) {
    if (after.tasks.get(id)?.kind !== 'unplaced') continue; // blocked: its dependency is the one to fix
    const k = ctx.taskIndex.get(id) as number;
    const checks = countChecks(ctx, st, k);
    let best: { node: number; add: number[]; score: number } | undefined;
    for (const i of ctx.groups[ctx.taskGroup[k]].cands) {
      if (st.down[i] === 1 || (checks.n > 0 && failedCount(checks, i) >= 0) || !fixedPortsFree(ctx, st, k, i)) continue;
      if (st.free[i * D + 4] < ctx.dem[k * D + 4]) continue;
      const add = [0, 0, 0, 0];
      let score = 0;
      for (let d = 0; d < 4; d++) {
        add[d] = Math.max(0, ctx.dem[k * D + d] - st.free[i * D + d]);
        score += totals[d] > 0 ? add[d] / totals[d] : add[d];
      }
      if (best === undefined || score < best.score) best = { node: i, add, score };
    }
    if (best !== undefined) return { node: ctx.nodes[best.node].name, add: best.add };
  }
  return undefined;
}

function safeWith(input: AllocationInput, options: FailoverOptions): boolean {
  return firstFailure(input, allocate(input), options) === undefined;
}

export function suggestCapacity(input: AllocationInput, plan: Plan, options: FailoverOptions): CapacitySuggestion | undefined {
  const added: Added = new Map();
  let base = plan;
  let verifying = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    checkpoint(options);
    const enlarged = augment(input, added);
    const current = verifying ? allocate(enlarged) : base;
    const failure = firstFailure(enlarged, current, options);
    if (failure === undefined) {
      if (verifying) return added.size === 0 ? undefined : toSuggestion(input, options, added);
      verifying = true;
      continue;
    }
    if (verifying) {
      base = current;
      verifying = false;
    }
    const need = deficit(enlarged, current, failure.lost, failure.tasks);
    if (need === undefined || need.add.every((x) => x === 0)) return undefined;
    const sum = added.get(need.node) ?? [0, 0, 0, 0];
    added.set(need.node, sum.map((x, d) => x + need.add[d]));
  }
  return undefined;
}

function toSuggestion(input: AllocationInput, options: FailoverOptions, added: Added): CapacitySuggestion {
  const perNode = [...added.keys()].sort().map((node) => {
    const a = added.get(node) as number[];
    return { node, add: { cpus: a[0], mem: a[1], disk: a[2], gpus: a[3] } };
  });
  let summary = perNode.map((p) => `add ${formatResources(p.add)} to ${p.node}`).join('; ');
  if (perNode.length === 1 && input.nodes.length <= ALTERNATIVES_MAX_NODES) {
    const only = perNode[0];
    const others = input.nodes
      .map((n) => n.name)
      .filter((n) => n !== only.node && !(input.down?.has(n) ?? false))
      .sort()
      .slice(0, ALTERNATIVES_TRIED);
    const a = added.get(only.node) as number[];
    const also = others.filter((n) => safeWith(augment(input, new Map([[n, a]])), options));
    if (also.length > 0) summary = `add ${formatResources(only.add)} to ${formatNames([only.node, ...also].sort(), 8, 'or')}`;
  }
  return { perNode, summary };
}
