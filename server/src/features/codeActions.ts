/**
 * Quick fixes for Berth diagnostics. A diagnostic is matched to the server's own current problem
 * (by code and range), whose `data` says the fix: `replace` (unit slips such as `mem: 4` → `4Gi`,
 * wrong constants), `did-you-mean` (one action per candidate) and `add-field` (the snippet's plain
 * text as a new key at the mapping's indentation). `failover/no-capacity` on a task, and
 * `failover/node-loss` on a node, offer the failover simulator's capacity suggestion as an edit of
 * the cluster file's resource values.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type Range, type ServerCapabilities, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { formatResources, type CapacitySuggestion } from '../../engine/alloc';
import type { ClusterAnalysis } from '../../engine/analysis/analyzeCluster';
import { kindFromPath, type CheckedFile } from '../../engine/checkSpec';
import type { Lines } from '../../engine/util/lineIndex';
import { DIMENSIONS, type ClusterSpec, type Problem, type ProblemData, type Span } from '../../engine/model';
import { escapePointer, isRecord, pointerOf, unescapePointer, type SpecDocument } from '../../engine/spec/specDocument';
import { formatCpus, formatMemory, parseCpus, parseMemory } from '../../engine/spec/units';
import { pathToUri, toOffset, toRange, uriToPath } from '../convert';
import { guarded } from '../guard';
import type { FeatureContext } from './context';
import { scalarContentSpan } from './nameOccurrences';

/** The schemas' property order: a new key goes before the first existing key that follows it here. */
const KEY_ORDER = [
  'apiVersion', 'kind', 'name', 'cluster', 'strategy', 'preemption', 'failover', 'defaults', 'tasks', 'nodes',
  'image', 'command', 'env', 'resources', 'attributes', 'priority', 'instances', 'dependsOn', 'constraints', 'healthCheck', 'restart',
  'cpus', 'mem', 'disk', 'gpus', 'ports', 'interval', 'timeout', 'retries', 'startPeriod',
];

function rank(key: string): number {
  const i = KEY_ORDER.indexOf(key);
  return i < 0 ? Infinity : i;
}

export function codeActions(ctx: FeatureContext, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((k) => k === '' || CodeActionKind.QuickFix === k || CodeActionKind.QuickFix.startsWith(`${k}.`))) return [];
  const path = uriToPath(params.textDocument.uri);
  const checked = ctx.workspace.check(path);
  if (!checked) return [];
  const text = checked.file.text;
  const index = ctx.positions.index(path, text);
  const out: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    const code = String(d.code ?? '');
    if (code === 'failover/no-capacity') out.push(...taskCapacityFixes(ctx, checked, toOffset(index, d.range.start), d));
    else if (code === 'failover/node-loss') out.push(...nodeCapacityFixes(ctx, checked, d));
    else {
      // The server's own current problem (its data is fresh); the echoed data picks one of several on one range.
      const here = checked.problems.filter((p) => p.data && p.code === code && sameRange(toRange(index, p.span), d.range));
      const echoed = d.data === undefined ? undefined : JSON.stringify(d.data);
      const exact = here.filter((p) => JSON.stringify(p.data) === echoed);
      for (const problem of exact.length > 0 ? exact : here) if (problem.data) out.push(...dataFixes(checked, index, problem, problem.data, d));
    }
  }
  const seen = new Set<string>();
  return out.filter((a) => !seen.has(a.title) && seen.add(a.title));
}

function dataFixes(checked: CheckedFile, index: Lines, problem: Problem, data: ProblemData, d: Diagnostic): CodeAction[] {
  const text = checked.file.text;
  const uri = pathToUri(checked.path);
  const edit = (span: Span, newText: string): WorkspaceEdit => ({ changes: { [uri]: [{ range: toRange(index, span), newText }] } });
  switch (data.kind) {
    case 'replace':
      return [fix(data.title, d, edit(data.span, data.text), true)];
    case 'did-you-mean': {
      const span = scalarContentSpan(text, namedSpan(checked, data.span, data.part ?? 0));
      // Never replace a whole collection (flow or block) by a name.
      if (/^([[{]|- )|\n/.test(text.slice(span.start, span.end))) return [];
      return data.candidates.map((c) => fix(`Change to "${c}"`, d, edit(span, c), data.candidates.length === 1));
    }
    case 'add-field': {
      const doc = documentAt(checked, problem.span.start);
      const line = plainSnippet(data.snippet, data.field === 'kind' ? kindFromPath(checked.path) : undefined);
      const insert = doc && insertKey(doc, text, data.pointer, data.field, line);
      return insert ? [fix(`Add "${data.field}"`, d, edit(insert.span, insert.text), true)] : [];
    }
  }
}

/**
 * The span a did-you-mean names. Constraint rules point at the whole `[field, OP, value]` triple
 * (flow or block style); the name to change is its item `part` (the field, or the value).
 */
function namedSpan(checked: CheckedFile, span: Span, part: number): Span {
  // A triple opens with `[` or, in block style, with its first item's `-`; a name never does.
  const first = checked.file.text[span.start];
  if (first !== '[' && first !== '-') return span;
  const doc = documentAt(checked, span.start);
  const tasks = doc && isRecord(doc.value) ? doc.value['tasks'] : undefined;
  if (!doc || !Array.isArray(tasks)) return span;
  for (let i = 0; i < tasks.length; i++) {
    const list: unknown = isRecord(tasks[i]) ? (tasks[i] as Record<string, unknown>)['constraints'] : undefined;
    if (!Array.isArray(list)) continue;
    for (let j = 0; j < list.length; j++) {
      const at = doc.nodes.get(pointerOf('tasks', i, 'constraints', j));
      if (at && at.span.start === span.start && at.span.end === span.end) return doc.nodes.get(pointerOf('tasks', i, 'constraints', j, part))?.span ?? span;
    }
  }
  return span;
}

function fix(title: string, d: Diagnostic, edit: WorkspaceEdit, isPreferred: boolean): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit, ...(isPreferred ? { isPreferred } : {}) };
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function documentAt(checked: CheckedFile, offset: number): SpecDocument | undefined {
  return checked.file.documents.find((doc) => doc.span.start <= offset && offset <= doc.span.end);
}

/** A snippet's text with every placeholder at its default (`${1:name}` → `name`, `${1|Job,Cluster|}` → `Job`). */
export function plainSnippet(snippet: string, prefer?: string): string {
  let s = snippet;
  for (let guard = 0; guard < 20 && /\$\{\d+[:|]/.test(s); guard++) {
    s = s.replace(/\$\{\d+:([^${}]*)\}/g, '$1').replace(/\$\{\d+\|([^|}]*)\|\}/g, (_m, choices: string) => {
      const list = choices.split(',');
      return prefer !== undefined && list.includes(prefer) ? prefer : (list[0] ?? '');
    });
  }
  s = s.replace(/\$\{\d+\}|\$\d+/g, '').replace(/\\([$}\\])/g, '$1');
  return s
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const seg of pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer)) {
    if (Array.isArray(v)) v = v[Number(seg)];
    else if (isRecord(v)) v = v[seg];
    else return undefined;
  }
  return v;
}

/** Where and what to insert to add `line` (`key: value`, maybe several lines) to the mapping at `pointer`. */
export function insertKey(doc: SpecDocument, text: string, pointer: string, field: string, line: string): { span: Span; text: string } | undefined {
  const value = valueAt(doc.value, pointer);
  const info = doc.nodes.get(pointer);
  if (!isRecord(value) || !info) return undefined;
  const keys = Object.keys(value);
  const child = (k: string): { span: Span; keySpan?: Span } | undefined => doc.nodes.get(`${pointer}/${escapePointer(k)}`);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const beforeKey = keys.find((k) => rank(k) > rank(field) && rank(k) !== Infinity);
  const before = beforeKey === undefined ? undefined : child(beforeKey)?.keySpan;
  const last = keys.length > 0 ? child(keys[keys.length - 1]) : undefined;
  if (text[info.span.start] === '{') {
    if (line.includes('\n')) return undefined;
    if (before) return { span: { start: before.start, end: before.start }, text: `${line}, ` };
    if (!last) return { span: { start: info.span.start + 1, end: info.span.start + 1 }, text: ` ${line} ` };
    return { span: { start: last.span.end, end: last.span.end }, text: `, ${line}` };
  }
  const first = keys.length > 0 ? child(keys[0])?.keySpan : undefined;
  if (!first) return undefined;
  const column = first.start - (text.lastIndexOf('\n', first.start - 1) + 1);
  const pad = ' '.repeat(column);
  const body = line.split('\n').join(`${eol}${pad}`);
  if (before) return { span: { start: before.start, end: before.start }, text: `${body}${eol}${pad}` };
  const end = last?.span.end ?? first.end;
  if (text[end - 1] === '\n') return { span: { start: end, end }, text: `${pad}${body}${eol}` };
  const nl = text.indexOf('\n', end);
  const at = nl < 0 ? text.length : text[nl - 1] === '\r' ? nl - 1 : nl;
  return { span: { start: at, end: at }, text: `${eol}${pad}${body}` };
}

function taskCapacityFixes(ctx: FeatureContext, checked: CheckedFile, offset: number, d: Diagnostic): CodeAction[] {
  const job = checked.jobs.find((j) => j.doc.span.start <= offset && offset <= j.doc.span.end);
  if (!job?.cluster?.ok) return [];
  const entry = ctx.analyses.forFile(checked.path, checked, 'full').find((e) => e.job === job.spec.name);
  const suggestion = entry?.analysis.failover.get(job.spec.name)?.suggestion;
  if (!entry || !suggestion) return [];
  const action = capacityFix(ctx, job.cluster.path, entry.analysis, suggestion, d, '');
  return action ? [{ ...action, isPreferred: true }] : [];
}

function nodeCapacityFixes(ctx: FeatureContext, checked: CheckedFile, d: Diagnostic): CodeAction[] {
  const own = ctx.analyses.forFile(checked.path, checked, 'full').find((e) => e.job === undefined);
  if (!own) return [];
  const out: CodeAction[] = [];
  for (const [job, report] of own.analysis.failover) {
    const action = report.suggestion && capacityFix(ctx, checked.path, own.analysis, report.suggestion, d, ` (for job ${job})`);
    if (action) out.push(action);
  }
  return out.length === 1 ? out.map((a) => ({ ...a, isPreferred: true })) : out;
}

/** One action that adds the whole suggestion (its parts are verified together) to the cluster file. */
function capacityFix(ctx: FeatureContext, clusterPath: string, analysis: ClusterAnalysis, suggestion: CapacitySuggestion, d: Diagnostic, suffix: string): CodeAction | undefined {
  const text = ctx.workspace.text(clusterPath);
  const checked = ctx.workspace.check(clusterPath);
  const doc = checked?.clusters.find((c) => c.spec.name === analysis.cluster.name && c.spec.nameSpan.start === analysis.cluster.nameSpan.start)?.doc;
  if (text === undefined || !doc || checked?.file.text !== text) return undefined;
  const edits = suggestion.perNode.map((p) => nodeEdits(doc, text, analysis.cluster, p.node, p.add));
  if (edits.length === 0 || edits.some((e) => e === undefined)) return undefined;
  const index = ctx.positions.index(clusterPath, text);
  const changes: TextEdit[] = edits.flat().map((e) => ({ range: toRange(index, (e as { span: Span }).span), newText: (e as { text: string }).text }));
  const what = suggestion.perNode.map((p) => `${formatResources(p.add)} to ${p.node}`).join(' and ');
  const file = clusterPath.slice(clusterPath.replace(/\\/g, '/').lastIndexOf('/') + 1);
  return fix(`Add ${what} in ${file}${suffix}`, d, { changes: { [pathToUri(clusterPath)]: changes } }, false);
}

/** The edits that raise one node's resources by `add`: new values in place, or new keys in `resources`. */
function nodeEdits(doc: SpecDocument, text: string, cluster: ClusterSpec, nodeName: string, add: Record<(typeof DIMENSIONS)[number], number>): { span: Span; text: string }[] | undefined {
  const k = cluster.nodes.findIndex((n) => n.name === nodeName);
  const node = cluster.nodes[k];
  if (!node) return undefined;
  const out: { span: Span; text: string }[] = [];
  for (const dim of DIMENSIONS) {
    if (add[dim] <= 0) continue;
    const total = node.resources[dim] + add[dim];
    const written = dim === 'cpus' ? formatCpus(total) : dim === 'gpus' ? String(total) : formatMemory(total);
    const span = node.resourceSpans?.[dim];
    if (span) {
      if (!holds(text, span, dim, node.resources[dim])) return undefined; // the text moved on: no stale edit
      out.push({ span, text: written });
    } else {
      const insert = insertKey(doc, text, pointerOf('nodes', k, 'resources'), dim, `${dim}: ${written}`);
      if (!insert) return undefined;
      out.push(insert);
    }
  }
  return out;
}

/** Does the text at `span` still say `value` (in the model's units)? */
function holds(text: string, span: Span, dim: (typeof DIMENSIONS)[number], value: number): boolean {
  const inner = scalarContentSpan(text, span);
  const raw = text.slice(inner.start, inner.end).trim();
  const quoted = inner.start !== span.start;
  if (dim === 'cpus') {
    const r = parseCpus(Number(raw));
    return r.kind === 'ok' && r.value === value;
  }
  if (dim === 'gpus') return Number(raw) === value;
  const r = parseMemory(quoted || !/^\d+$/.test(raw) ? raw : Number(raw));
  return r.kind === 'ok' && r.value === value;
}

export function registerCodeActions(ctx: FeatureContext): ServerCapabilities {
  ctx.connection.onCodeAction((p) => guarded(ctx.log, 'codeAction', null, () => codeActions(ctx, p)));
  return { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } };
}
