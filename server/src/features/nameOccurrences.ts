/**
 * Every place a file names a task, a node or a cluster, found from the parsed documents' values
 * and node index (never from the cursor's text), with the exact span of the name's characters:
 * task names and `dependsOn` entries, node names and `hostname` constraint values, cluster names
 * and `cluster:` references. Definition, references and rename all read this one table.
 */
import type { CheckedFile, CheckedJob } from '../../engine/checkSpec';
import type { Span } from '../../engine/model';
import { isRecord, pointerOf, type SpecDocument } from '../../engine/spec/specDocument';
import type { Workspace } from '../workspace';

/** What a name stands for. `path` and `doc` locate the job (for a task) or the Cluster document. */
export interface NameTarget {
  readonly kind: 'task' | 'node' | 'cluster';
  readonly path: string;
  readonly doc: number;
  readonly name: string;
}

export interface Occurrence {
  /** The name's own characters (quotes excluded). */
  readonly span: Span;
  readonly name: string;
  readonly role: 'definition' | 'reference';
  /** Undefined when the reference cannot be resolved (a job whose cluster is unknown). */
  readonly target: NameTarget | undefined;
  /** How a `cluster:` value refers to its cluster: by file path or by the in-file document's name. */
  readonly via?: 'path' | 'name';
}

/** Operators whose value names one node when the field is `hostname` (LIKE/UNLIKE only for a literal name). */
const NODE_OPERATORS = new Set(['IS', 'CLUSTER', 'LIKE', 'UNLIKE']);
const LITERAL = /^[A-Za-z0-9_-]+$/;

export function targetKey(t: NameTarget): string {
  return `${t.kind}:${t.path}#${t.doc}:${t.name}`;
}

/** The span of a scalar's characters without its quotes, if the text there is exactly `name`. */
export function nameSpanIn(text: string, span: Span, name: string): Span | undefined {
  let { start, end } = span;
  const first = text[start];
  if (end - start >= 2 && (first === '"' || first === "'") && text[end - 1] === first) {
    start++;
    end--;
  }
  return text.slice(start, end) === name ? { start, end } : undefined;
}

/** The span a quick fix replaces to change a scalar's value: inside its quotes when quoted. */
export function scalarContentSpan(text: string, span: Span): Span {
  const first = text[span.start];
  if (span.end - span.start >= 2 && (first === '"' || first === "'") && text[span.end - 1] === first) return { start: span.start + 1, end: span.end - 1 };
  return span;
}

export class NameOccurrences {
  private readonly memo = new WeakMap<CheckedFile, readonly Occurrence[]>();

  constructor(private readonly workspace: Workspace) {}

  /** The file's occurrences in text order (memoised per check result). */
  of(checked: CheckedFile): readonly Occurrence[] {
    const hit = this.memo.get(checked);
    if (hit) return hit;
    const out = this.collect(checked);
    out.sort((a, b) => a.span.start - b.span.start);
    this.memo.set(checked, out);
    return out;
  }

  /** The occurrence under `offset` (its start to its end, both included). */
  at(checked: CheckedFile, offset: number): Occurrence | undefined {
    const list = this.of(checked);
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const o = list[mid];
      if (o.span.end < offset) lo = mid + 1;
      else if (o.span.start > offset) hi = mid - 1;
      else return o;
    }
    return undefined;
  }

  /** Every file that may name `target`: a job's own file, or a cluster's file and every job file targeting it. */
  filesFor(target: NameTarget): string[] {
    if (target.kind === 'task') return [target.path];
    const paths = new Set([target.path]);
    for (const { path } of this.workspace.jobsTargeting(target.path)) paths.add(path);
    return [...paths].sort();
  }

  /** Every occurrence of `target` in the workspace, by file. */
  find(target: NameTarget): { path: string; checked: CheckedFile; occurrences: Occurrence[] }[] {
    const key = targetKey(target);
    const out: { path: string; checked: CheckedFile; occurrences: Occurrence[] }[] = [];
    for (const path of this.filesFor(target)) {
      const checked = this.workspace.check(path);
      if (!checked) continue;
      const occurrences = this.of(checked).filter((o) => o.target && targetKey(o.target) === key);
      if (occurrences.length > 0) out.push({ path, checked, occurrences });
    }
    return out;
  }

  /** The Cluster document a job's `cluster:` resolves to, as a target. */
  clusterOf(checked: CheckedFile, job: CheckedJob): NameTarget | undefined {
    const source = job.cluster;
    if (!source) return undefined;
    if (source.path === checked.path) {
      const local = checked.clusters.find((c) => c.spec === source.spec) ?? checked.clusters.find((c) => c.spec.name === source.spec.name);
      return local ? { kind: 'cluster', path: checked.path, doc: local.doc.index, name: local.spec.name } : undefined;
    }
    const first = this.workspace.check(source.path)?.clusters[0];
    return first ? { kind: 'cluster', path: source.path, doc: first.doc.index, name: first.spec.name } : undefined;
  }

  private collect(checked: CheckedFile): Occurrence[] {
    const text = checked.file.text;
    const out: Occurrence[] = [];
    const add = (doc: SpecDocument, pointer: string, value: unknown, role: Occurrence['role'], target: NameTarget | undefined, via?: Occurrence['via']): void => {
      if (typeof value !== 'string' && typeof value !== 'number') return;
      const name = String(value);
      const info = doc.nodes.get(pointer);
      const span = info && nameSpanIn(text, info.span, name);
      if (!span || name === '') return;
      out.push({ span, name, role, target, ...(via ? { via } : {}) });
    };
    for (const c of checked.clusters) {
      const v = c.doc.value;
      if (!isRecord(v)) continue;
      const cluster: NameTarget = { kind: 'cluster', path: checked.path, doc: c.doc.index, name: c.spec.name };
      add(c.doc, '/name', v['name'], 'definition', cluster);
      listOf(v['nodes']).forEach((n, k) => {
        if (isRecord(n)) add(c.doc, pointerOf('nodes', k, 'name'), n['name'], 'definition', { kind: 'node', path: checked.path, doc: c.doc.index, name: String(n['name']) });
      });
    }
    for (const job of checked.jobs) {
      const v = job.doc.value;
      if (!isRecord(v)) continue;
      const cluster = this.clusterOf(checked, job);
      const ref = v['cluster'];
      if (typeof ref === 'string') {
        const via = cluster && cluster.path === checked.path && ref === cluster.name ? 'name' : 'path';
        add(job.doc, '/cluster', ref, 'reference', cluster, via);
      }
      const task = (name: unknown): NameTarget => ({ kind: 'task', path: checked.path, doc: job.doc.index, name: String(name) });
      listOf(v['tasks']).forEach((t, i) => {
        if (!isRecord(t)) return;
        add(job.doc, pointerOf('tasks', i, 'name'), t['name'], 'definition', task(t['name']));
        listOf(t['dependsOn']).forEach((d, j) => add(job.doc, pointerOf('tasks', i, 'dependsOn', j), d, 'reference', task(d)));
        listOf(t['constraints']).forEach((c, j) => {
          if (!Array.isArray(c) || c[0] !== 'hostname' || !NODE_OPERATORS.has(String(c[1]))) return;
          const value: unknown = c[2];
          if (typeof value !== 'string' && typeof value !== 'number') return;
          if ((c[1] === 'LIKE' || c[1] === 'UNLIKE') && !LITERAL.test(String(value))) return;
          const node = cluster ? { kind: 'node' as const, path: cluster.path, doc: cluster.doc, name: String(value) } : undefined;
          add(job.doc, pointerOf('tasks', i, 'constraints', j, 2), value, 'reference', node);
        });
      });
    }
    return out;
  }
}

function listOf(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}
