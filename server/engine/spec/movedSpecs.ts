/**
 * Moving an item's model: every span by the same offset (an edit above the item moved it). A
 * moved task is a view that shifts each span-bearing field when first read (`MovedTask`), so a
 * keystroke above 2,500 tasks does not copy all their spans; `originOf` finds the model it was
 * made from, which the allocator's caches key on.
 */
import type { ClusterNode, Constraint, Dimension, HealthCheck, NamedRef, Problem, Resources, RestartPolicy, Span, TaskPorts, TaskSpec } from '../model';
import type { Built } from './toModel';

function shiftSpan(s: Span, by: number): Span {
  return { start: s.start + by, end: s.end + by };
}

function shiftSpans<K extends string>(spans: Readonly<Partial<Record<K, Span>>>, by: number): Partial<Record<K, Span>> {
  const out: Partial<Record<K, Span>> = {};
  for (const k in spans) {
    const s = spans[k];
    if (s) out[k] = shiftSpan(s, by);
  }
  return out;
}

export function shiftProblem(p: Problem, by: number): Problem {
  const span = shiftSpan(p.span, by);
  if (!p.data || !('span' in p.data)) return { ...p, span };
  return { ...p, span, data: { ...p.data, span: shiftSpan(p.data.span, by) } };
}

// Models are never mutated: an empty list is shared, not copied (most tasks have no dependencies,
// constraints or fixed ports, and a length-changing edit moves thousands of tasks).

export function shiftTask(t: TaskSpec, by: number): TaskSpec {
  if (by === 0) return t;
  return t instanceof MovedTask ? t.movedBy(by) : new MovedTask(t, by);
}

/**
 * A task's model moved by `by` characters. An edit that changes the text's length moves every task
 * after it (half of a 5,000-task job, on every keystroke), and few of their spans are ever read: its
 * fields are its origin's, and each span-bearing field is shifted when first read (shifting them all
 * at once was 3 ms an edit, and as much again in collecting the copies). Never spread one: its fields
 * are getters; `plainTask` gives the plain object (and JSON does, through toJSON).
 */
class MovedTask implements TaskSpec {
  #dependsOn: readonly NamedRef[] | undefined;
  #constraints: readonly Constraint[] | undefined;
  #resourceSpans: Readonly<Partial<Record<Dimension | 'ports', Span>>> | undefined;
  #fixedPortSpans: readonly Span[] | undefined;
  #nameSpan: Span | undefined;
  #span: Span | undefined;

  constructor(
    /** A plain model (never a MovedTask: moving one again moves its origin further). */
    readonly origin: TaskSpec,
    private readonly by: number,
  ) {}

  movedBy(by: number): TaskSpec {
    return by === -this.by ? this.origin : new MovedTask(this.origin, this.by + by);
  }

  get name(): string {
    return this.origin.name;
  }
  get image(): string | undefined {
    return this.origin.image;
  }
  get command(): readonly string[] | undefined {
    return this.origin.command;
  }
  get env(): Readonly<Record<string, string>> {
    return this.origin.env;
  }
  get resources(): Resources {
    return this.origin.resources;
  }
  get ports(): TaskPorts {
    return this.origin.ports;
  }
  get priority(): number {
    return this.origin.priority;
  }
  get instances(): number {
    return this.origin.instances;
  }
  get healthCheck(): HealthCheck | undefined {
    return this.origin.healthCheck;
  }
  get restart(): RestartPolicy {
    return this.origin.restart;
  }
  get dependsOn(): readonly NamedRef[] {
    const d = this.origin.dependsOn;
    return (this.#dependsOn ??= d.length === 0 ? d : d.map((x) => ({ name: x.name, span: shiftSpan(x.span, this.by) })));
  }
  get constraints(): readonly Constraint[] {
    const c = this.origin.constraints;
    return (this.#constraints ??= c.length === 0 ? c : c.map((x) => ({ ...x, span: shiftSpan(x.span, this.by), ...(x.valueSpan ? { valueSpan: shiftSpan(x.valueSpan, this.by) } : {}) })));
  }
  get resourceSpans(): Readonly<Partial<Record<Dimension | 'ports', Span>>> {
    return (this.#resourceSpans ??= shiftSpans(this.origin.resourceSpans, this.by));
  }
  get fixedPortSpans(): readonly Span[] {
    const f = this.origin.fixedPortSpans;
    return (this.#fixedPortSpans ??= f.length === 0 ? f : f.map((s) => shiftSpan(s, this.by)));
  }
  get nameSpan(): Span {
    return (this.#nameSpan ??= shiftSpan(this.origin.nameSpan, this.by));
  }
  get span(): Span {
    return (this.#span ??= shiftSpan(this.origin.span, this.by));
  }

  toJSON(): TaskSpec {
    return plainTask(this);
  }
}

/** The model a task was moved from (itself when it was not moved): equal origins, equal fields but spans. */
export function originOf(t: TaskSpec): TaskSpec {
  return t instanceof MovedTask ? t.origin : t;
}

/** The task as a plain object, with the fields a model built in one piece has (for JSON and comparisons). */
export function plainTask(t: TaskSpec): TaskSpec {
  if (!(t instanceof MovedTask)) return t;
  const { image, command, healthCheck } = t;
  return {
    name: t.name,
    ...(image === undefined ? {} : { image }),
    ...(command === undefined ? {} : { command }),
    env: t.env,
    resources: t.resources,
    ports: t.ports,
    fixedPortSpans: t.fixedPortSpans,
    priority: t.priority,
    instances: t.instances,
    dependsOn: t.dependsOn,
    constraints: t.constraints,
    ...(healthCheck === undefined ? {} : { healthCheck }),
    restart: t.restart,
    resourceSpans: t.resourceSpans,
    nameSpan: t.nameSpan,
    span: t.span,
  };
}

export function shiftNode(n: ClusterNode, by: number): ClusterNode {
  return {
    ...n,
    nameSpan: shiftSpan(n.nameSpan, by),
    span: shiftSpan(n.span, by),
    ...(n.resourceSpans ? { resourceSpans: shiftSpans(n.resourceSpans, by) } : {}),
    ...(n.resourcesSpan ? { resourcesSpan: shiftSpan(n.resourcesSpan, by) } : {}),
  };
}

export function shiftBuilt<T>(built: Built<T>, by: number, shift: (spec: T, by: number) => T): Built<T> {
  return by === 0 ? built : { spec: shift(built.spec, by), problems: built.problems.length === 0 ? built.problems : built.problems.map((p) => shiftProblem(p, by)) };
}
