/**
 * The typed model of Berth specs, after parsing and validation. Pure data: no methods, no I/O.
 * Quantities are integers in fixed units: cpus in millicpus, mem and disk in MiB.
 * Every element that a diagnostic may point at carries the span of its source text.
 */

/** A half-open range of UTF-16 offsets into a document's text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A problem in user input. `code` is a public contract (`area/kebab-name`); messages are not. */
export interface Problem {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  /** Machine-readable details for quick fixes (a replacement text, a suggested name). */
  readonly data?: ProblemData;
}

export type ProblemData =
  | { readonly kind: 'replace'; readonly span: Span; readonly text: string; readonly title: string }
  /** `part`: when `span` is a constraint's `[field, OP, value]`, the item to change (0, the field, when absent). */
  | { readonly kind: 'did-you-mean'; readonly span: Span; readonly candidates: readonly string[]; readonly part?: 0 | 2 }
  | { readonly kind: 'add-field'; readonly pointer: string; readonly field: string; readonly snippet: string };

/** The resource dimensions a node offers and a task asks for (ports apart). */
export interface Resources {
  /** millicpus */
  readonly cpus: number;
  /** MiB */
  readonly mem: number;
  /** MiB */
  readonly disk: number;
  readonly gpus: number;
}

export const DIMENSIONS = ['cpus', 'mem', 'disk', 'gpus'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export interface ClusterNode {
  readonly name: string;
  readonly resources: Resources;
  readonly ports: readonly PortRange[];
  /** Attribute values, always strings (numbers and booleans are stringified). */
  readonly attributes: Readonly<Record<string, string>>;
  /** Span of the node's name value, and of the whole list item. */
  readonly nameSpan: Span;
  readonly span: Span;
  /** Spans of each resource value given (for quick fixes that add capacity). */
  readonly resourceSpans?: Readonly<Partial<Record<Dimension | 'ports', Span>>>;
  /** Span of the node's `resources` value. */
  readonly resourcesSpan?: Span;
  /** On an existing swarm: the Swarm node's hostname when it differs from `name` (`swarm.node`). */
  readonly swarmNode?: string;
}

/** Where a cluster runs: containers on one Docker engine, or services on a Docker Swarm. */
export type EngineKind = 'local' | 'swarm';
export const ENGINE_KINDS: readonly EngineKind[] = ['local', 'swarm'];

export interface ClusterSpec {
  readonly name: string;
  /** `engine:` in the file, default `local`; the command line and the editor may override it. */
  readonly engine: EngineKind;
  /** `swarm.manager`: the Docker endpoint of an existing swarm's manager. */
  readonly swarm?: { readonly manager?: string };
  readonly defaults: { readonly image?: string };
  readonly nodes: readonly ClusterNode[];
  readonly nameSpan: Span;
}

export const CONSTRAINT_OPERATORS = ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS'] as const;
export type ConstraintOperator = (typeof CONSTRAINT_OPERATORS)[number];

export interface Constraint {
  /** An attribute name, or `hostname` for the node's name. */
  readonly field: string;
  readonly operator: ConstraintOperator;
  readonly value?: string;
  readonly span: Span;
  /** The value's own span (a LIKE pattern's), when there is a value. */
  readonly valueSpan?: Span;
}

export interface TaskPorts {
  /** How many dynamic ports from the node's ranges. */
  readonly dynamic: number;
  /** Fixed port numbers, each of which must be free in a range of the node. */
  readonly fixed: readonly number[];
}

export type RestartPolicy = 'never' | 'on-failure' | 'always';

export interface HealthCheck {
  readonly command: readonly string[];
  /** milliseconds */
  readonly interval: number;
  readonly timeout: number;
  readonly retries: number;
  readonly startPeriod: number;
}

export interface NamedRef {
  readonly name: string;
  readonly span: Span;
}

/** A task as written in a job (before instances are expanded). */
export interface TaskSpec {
  readonly name: string;
  readonly image?: string;
  /** argv; a string command in the spec becomes `['/bin/sh', '-c', string]`. */
  readonly command?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly resources: Resources;
  readonly ports: TaskPorts;
  readonly priority: number;
  readonly instances: number;
  readonly dependsOn: readonly NamedRef[];
  readonly constraints: readonly Constraint[];
  readonly healthCheck?: HealthCheck;
  readonly restart: RestartPolicy;
  /** Spans of each resource value given (cpus, mem, disk, gpus, ports). */
  readonly resourceSpans: Readonly<Partial<Record<Dimension | 'ports', Span>>>;
  /** The span of each fixed port, parallel to `ports.fixed`. */
  readonly fixedPortSpans: readonly Span[];
  readonly nameSpan: Span;
  readonly span: Span;
}

export type Strategy = 'binpack' | 'spread';

export interface JobSpec {
  readonly name: string;
  /** The cluster reference: a relative path, or the name of a Cluster document of the same file. */
  readonly cluster: NamedRef;
  readonly strategy: Strategy;
  readonly preemption: boolean;
  readonly failover: { readonly tolerate: number; readonly domains: readonly string[]; readonly domainSpans: readonly Span[] };
  readonly tasks: readonly TaskSpec[];
  readonly nameSpan: Span;
}

/**
 * One schedulable unit: a task instance. `id` is unique across all jobs on a cluster
 * (`job/instance`); `name` is the instance name (`api-0`, or `api` when there is one instance).
 */
export interface TaskInstance {
  readonly id: string;
  readonly job: string;
  readonly task: string;
  readonly name: string;
  readonly index: number;
  readonly priority: number;
  readonly resources: Resources;
  readonly ports: TaskPorts;
  /** Task names (not instances) of the same job that must be placed first. */
  readonly dependsOn: readonly string[];
  /**
   * The task's constraints, in its order. Their spans are those of the spec the instances were made
   * from: a task that an edit only moved keeps its instances (analyzeCluster's `specInstances`), so
   * read a constraint's place from the task spec, not from here.
   */
  readonly constraints: readonly Constraint[];
}

/** A node's attribute `field`: its own attributes only (`constructor` is not one of them). */
export function attributeOf(node: ClusterNode, field: string): string | undefined {
  return Object.hasOwn(node.attributes, field) ? node.attributes[field] : undefined;
}

/** The conventional instance name: the task name alone when there is one instance. */
export function instanceName(task: string, index: number, instances: number): string {
  return instances === 1 ? task : `${task}-${index}`;
}

/** Expands a job's tasks into their instances, in spec order. */
export function expandInstances(job: JobSpec): TaskInstance[] {
  return job.tasks.flatMap((t) => taskInstances(job.name, t));
}

/** The instances of one task of job `job`, in index order. */
export function taskInstances(job: string, t: TaskSpec): TaskInstance[] {
  const out: TaskInstance[] = [];
  for (let i = 0; i < t.instances; i++) {
    const name = instanceName(t.name, i, t.instances);
    out.push({
      id: `${job}/${name}`,
      job,
      task: t.name,
      name,
      index: i,
      priority: t.priority,
      resources: t.resources,
      ports: t.ports,
      dependsOn: t.dependsOn.map((d) => d.name),
      constraints: t.constraints,
    });
  }
  return out;
}
