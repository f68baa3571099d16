/**
 * A parsed document → the typed model, tolerantly: wrong shapes (already reported by the schema)
 * fall back to defaults, and quantities that do not parse become problems at their value.
 */
import { CONSTRAINT_OPERATORS, DIMENSIONS, type Dimension, type ClusterNode, type ClusterSpec, type Constraint, type ConstraintOperator, type HealthCheck, type JobSpec, type NamedRef, type PortRange, type Problem, type Resources, type RestartPolicy, type Span, type TaskPorts, type TaskSpec } from '../model';
import { isRecord, pointerOf, type SpecDocument } from './specDocument';
import { implausibleMemory, parseCpus, parseDuration, parseMemory, parsePortRanges, type QuantityResult } from './units';

export interface Built<T> {
  readonly spec: T;
  readonly problems: readonly Problem[];
}

const ZERO: Resources = { cpus: 0, mem: 0, disk: 0, gpus: 0 };
/** The schema's `instances.maximum`. */
const MAX_INSTANCES = 1000;

class Reader {
  readonly problems: Problem[] = [];
  constructor(readonly doc: SpecDocument) {}

  span(...path: (string | number)[]): Span {
    const p = pointerOf(...path);
    const info = this.doc.nodes.get(p);
    if (info) return info.span;
    // Fall back to the nearest existing ancestor.
    for (let n = path.length - 1; n >= 0; n--) {
      const up = this.doc.nodes.get(pointerOf(...path.slice(0, n)));
      if (up) return up.keySpan ?? up.span;
    }
    return this.doc.span;
  }

  get(...path: (string | number)[]): unknown {
    let v: unknown = this.doc.value;
    for (const seg of path) {
      if (typeof seg === 'number') v = Array.isArray(v) ? v[seg] : undefined;
      else v = isRecord(v) && Object.prototype.hasOwnProperty.call(v, seg) ? v[seg] : undefined;
      if (v === undefined) return undefined;
    }
    return v;
  }

  str(...path: (string | number)[]): string | undefined {
    const v = this.get(...path);
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  }

  int(fallback: number, ...path: (string | number)[]): number {
    const v = this.get(...path);
    return typeof v === 'number' && Number.isInteger(v) ? v : fallback;
  }

  list(...path: (string | number)[]): unknown[] {
    const v = this.get(...path);
    return Array.isArray(v) ? v : [];
  }

  quantity(result: QuantityResult, path: (string | number)[], what: string): number {
    if (result.kind === 'ok') return result.value;
    const span = this.span(...path);
    const fix = result.fix === undefined ? {} : { data: { kind: 'replace' as const, span, text: result.fix, title: `Change to ${result.fix}` } };
    this.problems.push({ code: 'spec/bad-unit', severity: 'error', message: `${what}: ${result.message}`, span, ...fix });
    return 0;
  }

  resources(path: (string | number)[]): Resources {
    const r = this.get(...path);
    if (!isRecord(r)) return ZERO;
    const cpus = typeof r['cpus'] !== 'number' ? 0 : this.quantity(parseCpus(r['cpus']), [...path, 'cpus'], 'cpus');
    const mem = this.memory(r['mem'], [...path, 'mem'], 'mem');
    const disk = this.memory(r['disk'], [...path, 'disk'], 'disk');
    const gpus = typeof r['gpus'] === 'number' && Number.isInteger(r['gpus']) && r['gpus'] >= 0 ? r['gpus'] : 0;
    return { cpus, mem, disk, gpus };
  }

  private memory(raw: unknown, path: (string | number)[], what: 'mem' | 'disk'): number {
    if (raw === undefined || raw === null) return 0;
    if (typeof raw !== 'number' && typeof raw !== 'string') return 0; // the schema reports the type
    const mib = this.quantity(parseMemory(raw), path, what);
    const suggestion = implausibleMemory(mib, raw);
    if (suggestion !== undefined) {
      const span = this.span(...path);
      this.problems.push({
        code: 'spec/implausible-value',
        severity: 'warning',
        message: `${what}: ${String(raw)} is ${mib} MiB (a plain number is MiB); did you mean ${suggestion}?`,
        span,
        data: { kind: 'replace', span, text: suggestion, title: `Change to ${suggestion}` },
      });
    }
    return mib;
  }
}

/**
 * List item i's model, already built (see toItemModel), with its problems appended to `problems`;
 * undefined when the item is not a mapping (it has no model).
 */
export type ItemAt<T> = (i: number, problems: Problem[]) => T | undefined;

/**
 * `itemAt` (optional): the list items' models, already built; without it every item is read from
 * the document. Both give the same result.
 */
export function toCluster(doc: SpecDocument, itemAt?: ItemAt<ClusterNode>): Built<ClusterSpec> {
  const r = new Reader(doc);
  const nodes = listModels(r, 'nodes', itemAt, toNode);
  const image = r.str('defaults', 'image');
  const manager = r.str('swarm', 'manager');
  return {
    spec: {
      name: r.str('name') ?? '',
      engine: r.get('engine') === 'swarm' ? 'swarm' : 'local',
      ...(manager === undefined ? {} : { swarm: { manager } }),
      defaults: image === undefined ? {} : { image },
      nodes,
      nameSpan: r.span('name'),
    },
    problems: r.problems,
  };
}

export function toJob(doc: SpecDocument, itemAt?: ItemAt<TaskSpec>): Built<JobSpec> {
  const r = new Reader(doc);
  const tasks = listModels(r, 'tasks', itemAt, toTask);
  const strategy = r.get('strategy') === 'spread' ? 'spread' : 'binpack';
  const domains: string[] = [];
  const domainSpans: Span[] = [];
  r.list('failover', 'domains').forEach((d, i) => {
    if (typeof d !== 'string') return;
    domains.push(d);
    domainSpans.push(r.span('failover', 'domains', i));
  });
  return {
    spec: {
      name: r.str('name') ?? '',
      cluster: { name: r.str('cluster') ?? '', span: r.span('cluster') },
      strategy,
      preemption: r.get('preemption') === true,
      failover: { tolerate: Math.max(0, Math.min(3, r.int(1, 'failover', 'tolerate'))), domains, domainSpans },
      tasks,
      nameSpan: r.span('name'),
    },
    problems: r.problems,
  };
}

/** The models of the mappings of list `key`, from `itemAt` when given (without reading the items), else from the document. */
function listModels<T>(r: Reader, key: string, itemAt: ItemAt<T> | undefined, read: (r: Reader, at: readonly (string | number)[]) => T): T[] {
  const list = r.list(key);
  const out: T[] = [];
  for (let i = 0; i < list.length; i++) {
    if (itemAt) {
      const model = itemAt(i, r.problems);
      if (model !== undefined) out.push(model);
    } else if (isRecord(list[i])) out.push(read(r, [key, i]));
  }
  return out;
}

/**
 * One list item's model from a document whose root is the item (a chunk of the parse): a task
 * for a Job, a node for a Cluster; undefined when the item is not a mapping. Spans are those of
 * `item`; shiftTask and shiftNode move them.
 */
export function toItemModel(item: SpecDocument, kind: 'Job'): Built<TaskSpec> | undefined;
export function toItemModel(item: SpecDocument, kind: 'Cluster'): Built<ClusterNode> | undefined;
export function toItemModel(item: SpecDocument, kind: 'Job' | 'Cluster'): Built<TaskSpec | ClusterNode> | undefined {
  if (!isRecord(item.value)) return undefined;
  const r = new Reader(item);
  const spec = kind === 'Job' ? toTask(r, []) : toNode(r, []);
  return { spec, problems: r.problems };
}

function toNode(r: Reader, at: readonly (string | number)[]): ClusterNode {
  const name = r.str(...at, 'name') ?? '';
  const swarmNode = r.str(...at, 'swarm', 'node');
  let ports: PortRange[] = [];
  const rawPorts = r.get(...at, 'resources', 'ports');
  if (rawPorts !== undefined && rawPorts !== null) {
    const parsed = parsePortRanges(rawPorts);
    if (parsed.kind === 'ok') ports = parsed.value;
    else r.problems.push({ code: 'spec/bad-unit', severity: 'error', message: `ports: ${parsed.message}`, span: r.span(...at, 'resources', 'ports') });
  }
  const attributes: Record<string, string> = {};
  const rawAttrs = r.get(...at, 'attributes');
  if (isRecord(rawAttrs)) {
    for (const [k, v] of Object.entries(rawAttrs)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') attributes[k] = String(v);
    }
  }
  return {
    name,
    resources: r.resources([...at, 'resources']),
    ports,
    attributes,
    nameSpan: r.span(...at, 'name'),
    span: r.span(...at),
    resourceSpans: resourceSpans(r, [...at, 'resources']),
    resourcesSpan: r.span(...at, 'resources'),
    ...(swarmNode === undefined ? {} : { swarmNode }),
  };
}

function toTask(r: Reader, prefix: readonly (string | number)[]): TaskSpec {
  const at = (...rest: (string | number)[]): (string | number)[] => [...prefix, ...rest];
  const fixedPortSpans: Span[] = [];
  const ports: TaskPorts = (() => {
    const p = r.get(...at('resources', 'ports'));
    if (typeof p === 'number' && Number.isInteger(p) && p >= 0) return { dynamic: p, fixed: [] };
    if (!Array.isArray(p)) return { dynamic: 0, fixed: [] };
    const fixed: number[] = [];
    p.forEach((x, j) => {
      if (typeof x !== 'number' || !Number.isInteger(x)) return;
      fixed.push(x);
      fixedPortSpans.push(r.span(...at('resources', 'ports', j)));
    });
    return { dynamic: 0, fixed };
  })();
  const dependsOn: NamedRef[] = [];
  r.list(...at('dependsOn')).forEach((d, j) => {
    if (typeof d === 'string') dependsOn.push({ name: d, span: r.span(...at('dependsOn', j)) });
  });
  const constraints: Constraint[] = [];
  r.list(...at('constraints')).forEach((c, j) => {
    if (!Array.isArray(c) || typeof c[0] !== 'string' || typeof c[1] !== 'string') return;
    const op = c[1];
    if (!(CONSTRAINT_OPERATORS as readonly string[]).includes(op)) return;
    const value = c[2] === undefined || c[2] === null ? undefined : String(c[2]);
    const span = r.span(...at('constraints', j));
    constraints.push({ field: c[0], operator: op as ConstraintOperator, ...(value === undefined ? {} : { value, valueSpan: r.span(...at('constraints', j, 2)) }), span });
  });
  const env: Record<string, string> = {};
  const rawEnv = r.get(...at('env'));
  if (isRecord(rawEnv)) for (const [k, v] of Object.entries(rawEnv)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') env[k] = String(v);
  const restartRaw = r.get(...at('restart'));
  const restart: RestartPolicy = restartRaw === 'never' || restartRaw === 'always' ? restartRaw : 'on-failure';
  const image = r.str(...at('image'));
  const command = toCommand(r.get(...at('command')));
  const healthCheck = toHealthCheck(r, at('healthCheck'));
  return {
    name: r.str(...at('name')) ?? '',
    ...(image === undefined ? {} : { image }),
    ...(command === undefined ? {} : { command }),
    env,
    resources: r.resources(at('resources')),
    ports,
    fixedPortSpans,
    priority: r.int(100, ...at('priority')),
    // Clamped to the schema's range (which reports values outside it), so no rule loops on 1e300 copies.
    instances: Math.min(MAX_INSTANCES, Math.max(1, r.int(1, ...at('instances')))),
    dependsOn,
    constraints,
    ...(healthCheck === undefined ? {} : { healthCheck }),
    restart,
    resourceSpans: resourceSpans(r, at('resources')),
    nameSpan: r.span(...at('name')),
    span: r.span(...prefix),
  };
}

function resourceSpans(r: Reader, path: (string | number)[]): Partial<Record<Dimension | 'ports', Span>> {
  const out: Partial<Record<Dimension | 'ports', Span>> = {};
  for (const key of [...DIMENSIONS, 'ports'] as const) {
    const info = r.doc.nodes.get(pointerOf(...path, key));
    if (info) out[key] = info.span;
  }
  return out;
}

function toCommand(v: unknown): string[] | undefined {
  if (typeof v === 'string') return ['/bin/sh', '-c', v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v;
  return undefined;
}

function toHealthCheck(r: Reader, path: (string | number)[]): HealthCheck | undefined {
  const h = r.get(...path);
  if (!isRecord(h)) return undefined;
  const command = toCommand(h['command']);
  if (command === undefined) return undefined;
  const duration = (key: string, fallback: number): number => {
    const v = h[key];
    if (v === undefined) return fallback;
    return r.quantity(parseDuration(v), [...path, key], key);
  };
  return {
    command,
    interval: duration('interval', 10_000),
    timeout: duration('timeout', 5_000),
    retries: typeof h['retries'] === 'number' && Number.isInteger(h['retries']) && h['retries'] >= 1 ? h['retries'] : 3,
    startPeriod: duration('startPeriod', 0),
  };
}
