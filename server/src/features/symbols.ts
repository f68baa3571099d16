/**
 * Document symbols: one root per YAML document — a Job with its tasks, a Cluster with its nodes —
 * with details people scan for ("3 instances · cpus 1 · mem 1Gi", "cpus 2 · mem 4Gi · zone=a").
 */
import { SymbolKind, type DocumentSymbol, type ServerCapabilities } from 'vscode-languageserver';
import type { CheckedCluster, CheckedFile, CheckedJob } from '../../engine/checkSpec';
import type { ClusterNode, Resources, Span, TaskSpec } from '../../engine/model';
import type { Lines } from '../../engine/util/lineIndex';
import { isRecord, type SpecDocument } from '../../engine/spec/specDocument';
import { formatCpus, formatMemory } from '../../engine/spec/units';
import { toRange, uriToPath } from '../convert';
import { guarded } from '../guard';
import type { FeatureContext } from './context';

export function documentSymbols(checked: CheckedFile, index: Lines): DocumentSymbol[] {
  const jobs = new Map<SpecDocument, CheckedJob>(checked.jobs.map((j) => [j.doc, j]));
  const clusters = new Map<SpecDocument, CheckedCluster>(checked.clusters.map((c) => [c.doc, c]));
  const out: DocumentSymbol[] = [];
  for (const doc of checked.file.documents) {
    const job = jobs.get(doc);
    const cluster = clusters.get(doc);
    if (job) out.push(jobSymbol(job, index));
    else if (cluster) out.push(clusterSymbol(cluster, index));
    else out.push(symbol(index, untitled(doc), 'unknown kind', SymbolKind.File, doc.span, doc.span));
  }
  return out;
}

function jobSymbol(job: CheckedJob, index: Lines): DocumentSymbol {
  const { spec, doc } = job;
  const detail = [`job`, spec.cluster.name ? `on ${spec.cluster.name}` : undefined, plural(spec.tasks.length, 'task')].filter(Boolean).join(' · ');
  const children = spec.tasks.map((t) => symbol(index, t.name || '(unnamed task)', taskDetail(t), SymbolKind.Function, t.span, t.nameSpan));
  return symbol(index, spec.name || untitled(doc), detail, SymbolKind.Module, doc.span, spec.nameSpan, children);
}

function clusterSymbol(cluster: CheckedCluster, index: Lines): DocumentSymbol {
  const { spec, doc } = cluster;
  const total = spec.nodes.reduce<Resources>((a, n) => ({ cpus: a.cpus + n.resources.cpus, mem: a.mem + n.resources.mem, disk: a.disk + n.resources.disk, gpus: a.gpus + n.resources.gpus }), { cpus: 0, mem: 0, disk: 0, gpus: 0 });
  const detail = ['cluster', plural(spec.nodes.length, 'node'), ...resources(total)].join(' · ');
  const children = spec.nodes.map((n) => symbol(index, n.name || '(unnamed node)', nodeDetail(n), SymbolKind.Object, n.span, n.nameSpan));
  return symbol(index, spec.name || untitled(doc), detail, SymbolKind.Namespace, doc.span, spec.nameSpan, children);
}

export function taskDetail(t: TaskSpec): string {
  return [plural(t.instances, 'instance'), ...resources(t.resources)].join(' · ');
}

export function nodeDetail(n: ClusterNode): string {
  const ports = n.ports.map((p) => (p.from === p.to ? String(p.from) : `${p.from}-${p.to}`)).join(',');
  const attributes = Object.entries(n.attributes).map(([k, v]) => `${k}=${v}`);
  return [...resources(n.resources), ...(ports ? [`ports ${ports}`] : []), ...attributes].join(' · ');
}

function resources(r: Resources): string[] {
  const out = [`cpus ${formatCpus(r.cpus)}`, `mem ${formatMemory(r.mem)}`];
  if (r.disk > 0) out.push(`disk ${formatMemory(r.disk)}`);
  if (r.gpus > 0) out.push(`gpus ${r.gpus}`);
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function untitled(doc: SpecDocument): string {
  const name = isRecord(doc.value) ? doc.value['name'] : undefined;
  return typeof name === 'string' && name !== '' ? name : `document ${doc.index + 1}`;
}

/** A symbol whose selection range is kept inside its range, as the protocol requires. */
function symbol(index: Lines, name: string, detail: string, kind: SymbolKind, span: Span, selection: Span, children?: DocumentSymbol[]): DocumentSymbol {
  const inside = selection.start >= span.start && selection.end <= span.end;
  const range = toRange(index, span);
  const selectionRange = toRange(index, inside ? selection : { start: span.start, end: span.start });
  return { name, detail, kind, range, selectionRange, ...(children ? { children } : {}) };
}

export function registerSymbols(ctx: FeatureContext): ServerCapabilities {
  ctx.connection.onDocumentSymbol((p) =>
    guarded(ctx.log, 'documentSymbol', null, () => {
      const path = uriToPath(p.textDocument.uri);
      const checked = ctx.workspace.check(path);
      return checked ? documentSymbols(checked, ctx.positions.index(path, checked.file.text)) : null;
    }),
  );
  return { documentSymbolProvider: { label: 'Berth' } };
}
