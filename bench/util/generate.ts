/**
 * Seeded, deterministic instances for the benchmarks: a mixed-size cluster with zones and racks,
 * and a job of many tasks with instances, priorities, a few dependencies, ports and constraints.
 * The same instance is available as an AllocationInput and as Berth YAML text (SPEC.md §2), so that
 * other benchmarks (parse + validate, the editor) can measure on exactly what the allocator places.
 */
import type { AllocationInput } from '../../server/engine/alloc';
import type { ClusterNode, Constraint, ConstraintOperator, TaskInstance } from '../../server/engine/model';
import { instanceName } from '../../server/engine/model';

/** mulberry32: a small, fast, seeded PRNG. */
export interface Random {
  /** In [0, 1). */
  next(): number;
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
}

export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

const SPAN = { start: 0, end: 0 };

export interface GeneratedTask {
  readonly name: string;
  /** millicpus, MiB, MiB */
  readonly cpus: number;
  readonly mem: number;
  readonly disk: number;
  readonly dynamicPorts: number;
  readonly priority: number;
  readonly instances: number;
  readonly dependsOn: readonly string[];
  readonly constraints: readonly Constraint[];
}

export interface GeneratedSpec {
  readonly cluster: string;
  readonly job: string;
  readonly strategy: 'binpack' | 'spread';
  readonly nodes: readonly ClusterNode[];
  readonly tasks: readonly GeneratedTask[];
}

export interface GenerateOptions {
  readonly seed: number;
  readonly nodes: number;
  /** Task instances in all. */
  readonly instances: number;
  /** Demand over capacity (cpus and mem), about. Default 0.7. */
  readonly load?: number;
  /** Add a few constraints and dependencies (default true). */
  readonly constraints?: boolean;
  readonly strategy?: 'binpack' | 'spread';
  /** One instance per task, so that a job of N instances has N task items (default false). */
  readonly singleInstances?: boolean;
}

const NODE_SIZES = [
  { cpus: 4, memGi: 16, diskGi: 200 },
  { cpus: 8, memGi: 32, diskGi: 400 },
  { cpus: 16, memGi: 64, diskGi: 800 },
];

function constraint(field: string, operator: ConstraintOperator, value?: string): Constraint {
  return value === undefined ? { field, operator, span: SPAN } : { field, operator, value, span: SPAN };
}

/** A cluster of mixed sizes in zones a, b, c and 40 racks, and one job (`bench`) of many tasks. */
export function generateSpec(options: GenerateOptions): GeneratedSpec {
  const rnd = createRandom(options.seed);
  const load = options.load ?? 0.7;
  const withConstraints = options.constraints ?? true;
  const nodes: ClusterNode[] = [];
  let capCpus = 0;
  let capMem = 0;
  for (let i = 0; i < options.nodes; i++) {
    const s = rnd.pick(NODE_SIZES);
    capCpus += s.cpus * 1000;
    capMem += s.memGi * 1024;
    nodes.push({
      name: `node${String(i + 1).padStart(4, '0')}`,
      resources: { cpus: s.cpus * 1000, mem: s.memGi * 1024, disk: s.diskGi * 1024, gpus: 0 },
      ports: [{ from: 31000, to: 31099 }],
      attributes: { zone: ['a', 'b', 'c'][i % 3], rack: `r${(i % 40) + 1}` },
      nameSpan: SPAN,
      span: SPAN,
    });
  }
  // Task sizes: cpus 0.25–4, mem 0.25–8 Gi, drawn then scaled so that demand ≈ load × capacity.
  const draft: { cpus: number; mem: number; disk: number; instances: number }[] = [];
  let left = options.instances;
  while (left > 0) {
    const instances = options.singleInstances ? 1 : Math.min(left, rnd.pick([1, 1, 2, 3, 5, 10, 20]));
    left -= instances;
    draft.push({ cpus: rnd.pick([250, 500, 1000, 1000, 2000, 4000]), mem: rnd.pick([256, 512, 1024, 2048, 4096, 8192]), disk: rnd.pick([1, 2, 5, 10]) * 1024, instances });
  }
  let demCpus = 0;
  let demMem = 0;
  for (const t of draft) {
    demCpus += t.cpus * t.instances;
    demMem += t.mem * t.instances;
  }
  const cpuScale = (load * capCpus) / demCpus;
  const memScale = (load * capMem) / demMem;
  const tasks: GeneratedTask[] = draft.map((t, g) => {
    const name = `t${g}`;
    const constraints: Constraint[] = [];
    const dependsOn: string[] = [];
    if (withConstraints) {
      const r = rnd.next();
      if (r < 0.02) constraints.push(constraint('hostname', 'UNIQUE'));
      else if (r < 0.04) constraints.push(constraint('zone', 'GROUP_BY'));
      else if (r < 0.05) constraints.push(constraint('rack', 'LIKE', 'r[1-9]'));
      else if (r < 0.06) constraints.push(constraint('zone', 'UNLIKE', 'c'));
      else if (r < 0.07) constraints.push(constraint('rack', 'MAX_PER', '2'));
      if (g > 0 && rnd.next() < 0.05) dependsOn.push(`t${rnd.int(0, g - 1)}`);
    }
    return {
      name,
      cpus: Math.max(10, Math.round((t.cpus * cpuScale) / 10) * 10),
      mem: Math.max(16, Math.round((t.mem * memScale) / 16) * 16),
      disk: t.disk,
      dynamicPorts: rnd.next() < 0.3 ? rnd.int(1, 2) : 0,
      priority: rnd.pick([50, 100, 100, 100, 200]),
      instances: t.instances,
      dependsOn,
      constraints,
    };
  });
  return { cluster: 'bench', job: 'bench', strategy: options.strategy ?? 'binpack', nodes, tasks };
}

export function toAllocationInput(spec: GeneratedSpec, preemption = false): AllocationInput {
  const instances: TaskInstance[] = [];
  for (const t of spec.tasks) {
    for (let i = 0; i < t.instances; i++) {
      const name = instanceName(t.name, i, t.instances);
      instances.push({
        id: `${spec.job}/${name}`,
        job: spec.job,
        task: t.name,
        name,
        index: i,
        priority: t.priority,
        resources: { cpus: t.cpus, mem: t.mem, disk: t.disk, gpus: 0 },
        ports: { dynamic: t.dynamicPorts, fixed: [] },
        dependsOn: t.dependsOn,
        constraints: t.constraints,
      });
    }
  }
  return { nodes: spec.nodes, jobs: [{ name: spec.job, strategy: spec.strategy, preemption, tasks: instances }] };
}

function cpusText(m: number): string {
  return String(m / 1000);
}

function mibText(v: number): string {
  return v % 1024 === 0 ? `${v / 1024}Gi` : `${v}Mi`;
}

function yamlString(s: string): string {
  return /^[A-Za-z0-9_.\-/]+$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) && !/^[0-9.]+$/.test(s) ? s : JSON.stringify(s);
}

/** The cluster document (`<cluster>.cluster.yaml`), resources as flow mappings. */
export function clusterYaml(spec: GeneratedSpec): string {
  const lines = ['apiVersion: berth/v1', 'kind: Cluster', `name: ${spec.cluster}`, 'defaults: { image: busybox:1.36 }', 'nodes:'];
  for (const n of spec.nodes) {
    const r = n.resources;
    const ports = n.ports.map((p) => `${p.from}-${p.to}`).join(',');
    lines.push(`  - name: ${n.name}`);
    lines.push(`    resources: { cpus: ${cpusText(r.cpus)}, mem: ${mibText(r.mem)}, disk: ${mibText(r.disk)}, ports: "${ports}" }`);
    const attrs = Object.entries(n.attributes).map(([k, v]) => `${k}: ${yamlString(v)}`);
    if (attrs.length > 0) lines.push(`    attributes: { ${attrs.join(', ')} }`);
  }
  return `${lines.join('\n')}\n`;
}

/** The job document; `clusterRef` is a path relative to the job file or a Cluster document's name. */
export function jobYaml(spec: GeneratedSpec, clusterRef = `./${spec.cluster}.cluster.yaml`): string {
  const lines = ['apiVersion: berth/v1', 'kind: Job', `name: ${spec.job}`, `cluster: ${clusterRef}`, `strategy: ${spec.strategy}`, 'preemption: false', 'failover: { tolerate: 1, domains: [zone] }', 'tasks:'];
  for (const t of spec.tasks) {
    lines.push(`  - name: ${t.name}`);
    lines.push('    command: ["sh", "-c", "sleep 3600"]');
    const ports = t.dynamicPorts > 0 ? `, ports: ${t.dynamicPorts}` : '';
    lines.push(`    resources: { cpus: ${cpusText(t.cpus)}, mem: ${mibText(t.mem)}, disk: ${mibText(t.disk)}${ports} }`);
    lines.push(`    priority: ${t.priority}`);
    if (t.instances !== 1) lines.push(`    instances: ${t.instances}`);
    if (t.dependsOn.length > 0) lines.push(`    dependsOn: [${t.dependsOn.join(', ')}]`);
    if (t.constraints.length > 0) {
      const cs = t.constraints.map((c) => `[${[c.field, c.operator, ...(c.value === undefined ? [] : [c.value])].map(yamlString).join(', ')}]`);
      lines.push(`    constraints: [${cs.join(', ')}]`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Both documents in one file (the job names the cluster document). */
export function specYaml(spec: GeneratedSpec): string {
  return `${clusterYaml(spec)}---\n${jobYaml(spec, spec.cluster)}`;
}

/**
 * A small random instance for quality measurements: 1–maxNodes nodes of random sizes and
 * 1–maxTasks tasks of random sizes (cpus, mem, disk independent), equal priorities, no constraints,
 * binpack; total demand about 0.8–1.6 × capacity, so that the exact optimum is usually not "all".
 */
export function smallInstance(rnd: Random, maxTasks = 10, maxNodes = 5): AllocationInput {
  const nodeCount = rnd.int(1, maxNodes);
  const taskCount = rnd.int(1, maxTasks);
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < nodeCount; i++) {
    nodes.push({
      name: `n${i}`,
      resources: { cpus: rnd.int(2, 8) * 1000, mem: rnd.int(2, 16) * 1024, disk: rnd.int(2, 16) * 1024, gpus: 0 },
      ports: [],
      attributes: {},
      nameSpan: SPAN,
      span: SPAN,
    });
  }
  const avg = (f: (n: ClusterNode) => number): number => nodes.reduce((s, n) => s + f(n), 0) / nodeCount;
  const target = rnd.next() * 0.8 + 0.8;
  const per = Math.min(0.6, (target * nodeCount) / taskCount);
  const tasks: TaskInstance[] = [];
  for (let k = 0; k < taskCount; k++) {
    const size = (base: number, unit: number): number => Math.max(unit, Math.round((base * per * (0.3 + 1.4 * rnd.next())) / unit) * unit);
    tasks.push({
      id: `q/t${k}`,
      job: 'q',
      task: `t${k}`,
      name: `t${k}`,
      index: 0,
      priority: 100,
      resources: { cpus: size(avg((n) => n.resources.cpus), 100), mem: size(avg((n) => n.resources.mem), 128), disk: size(avg((n) => n.resources.disk), 128), gpus: 0 },
      ports: { dynamic: 0, fixed: [] },
      dependsOn: [],
      constraints: [],
    });
  }
  return { nodes, jobs: [{ name: 'q', strategy: 'binpack', preemption: false, tasks }] };
}
