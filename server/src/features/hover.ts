/**
 * Hover: the schema's description on any key; on a task, where each instance lands (or why it
 * cannot) and what every failure scenario does to it; on a node, what runs there and why the
 * unplaced tasks do not; on a `dependsOn` entry, the task it names; on a constraint, what it filters.
 * Reads memoised analyses only (never plans anew); explanations are computed for a few tasks at most.
 */
import type { Hover, HoverParams, ServerCapabilities } from 'vscode-languageserver';
import type { FailoverReport, FailoverScenario, PlanNode } from '../../engine/alloc';
import { explain, instancesOf, type ClusterAnalysis } from '../../engine/analysis/analyzeCluster';
import { kindFromPath, type CheckedFile, type CheckedJob } from '../../engine/checkSpec';
import type { LiveAnalysis } from '../../engine/analysis/liveAnalysis';
import { liveLine } from '../../engine/analysis/liveState';
import { attributeOf, type ClusterSpec, type Resources, type TaskInstance } from '../../engine/model';
import { isRecord, pointerOf, type SpecDocument } from '../../engine/spec/specDocument';
import { scenarioName } from '../../engine/analysis/placementProblems';
import { formatCpus, formatMemory } from '../../engine/spec/units';
import { toOffset, toRange, uriToPath } from '../convert';
import { guarded } from '../guard';
import type { Segment } from '../../engine/spec/specDocument';
import { documentAt, locateInDocument, type SpecLocation } from '../locate';
import { operatorDoc, schemaInfoAt, schemaMarkdown } from '../schemaInfo';
import type { FeatureContext } from './context';

/** Lines of a list before "… and N more". */
const MAX_LINES = 12;
/** Explanations computed per hover (each builds the allocator's context). */
const MAX_EXPLAIN = 8;

export function registerHover(ctx: FeatureContext): ServerCapabilities {
  ctx.connection.onHover((params): Hover | null => guarded(ctx.log, 'hover', null, () => hoverAt(ctx, params)));
  return { hoverProvider: true };
}

export function hoverAt(ctx: FeatureContext, params: HoverParams): Hover | null {
  const path = uriToPath(params.textDocument.uri);
  const checked = ctx.workspace.check(path);
  if (!checked) return null;
  const index = ctx.positions.index(path, checked.file.text);
  const offset = toOffset(index, params.position);
  const doc = documentAt(checked.file.documents, offset);
  const loc = doc && locateInDocument(doc, offset);
  if (!doc || !loc || loc.segments.length === 0) return null;
  const kind = doc.kind ?? kindFromPath(path);
  if (!kind) return null;
  const markdown = kind === 'Job' ? jobHover(ctx, checked, doc, loc) : clusterHover(ctx, path, checked, doc, loc);
  return markdown ? { contents: { kind: 'markdown', value: markdown }, range: toRange(index, loc.span) } : null;
}

// ---------------------------------------------------------------------------------------------
// Jobs

function jobHover(ctx: FeatureContext, checked: CheckedFile, doc: SpecDocument, loc: SpecLocation): string | undefined {
  const job = checked.jobs.find((j) => j.doc === doc);
  const s = loc.segments;
  const schema = keyMarkdown('Job', loc);
  if (!job) return schema;
  const analysis = analysisOf(ctx, job);
  if (s[0] === 'tasks' && typeof s[1] === 'number') {
    const taskName = stringAt(doc.value, ['tasks', s[1], 'name']);
    if (s.length === 3 && s[2] === 'name' && taskName) {
      const live = analysis && ctx.live.of(analysis);
      return join(taskHover(analysis, job, taskName, true, live?.jobs.has(job.spec.name) ? live : undefined), loc.on === 'key' ? schema : undefined);
    }
    if (s[2] === 'dependsOn' && typeof s[3] === 'number' && loc.on === 'value' && typeof loc.value === 'string') return dependsOnHover(analysis, job, loc.value);
    if (s[2] === 'constraints' && typeof s[3] === 'number' && loc.on === 'value' && taskName) return constraintHover(analysis, job, doc, s[1], s[3], taskName);
  }
  if (s.length === 1 && s[0] === 'cluster' && loc.on === 'value') return join(clusterRefHover(job), schema);
  return schema;
}

function analysisOf(ctx: FeatureContext, job: CheckedJob): ClusterAnalysis | undefined {
  if (job.plannable.kind !== 'plannable' || !job.cluster) return undefined;
  const analysis = ctx.analyses.forCluster(job.cluster.path, job.cluster.spec);
  return analysis?.jobs.some((j) => j.name === job.spec.name) ? analysis : undefined;
}

/**
 * Placement of every instance, then (the job runs: `live`) where each runs, since when, its
 * restarts, then the failover scenarios that move it or leave it without a node (from the live
 * placements when the job runs).
 */
function taskHover(analysis: ClusterAnalysis | undefined, job: CheckedJob, task: string, withFailover: boolean, live?: LiveAnalysis): string {
  const head = `**${task}** · task of job \`${job.spec.name}\``;
  if (!analysis) return `${head}\n\n${unavailable(job)}`;
  const instances = instancesOf(analysis, job.spec.name, task);
  if (instances.length === 0) {
    const skipped = job.plannable.kind === 'plannable' ? job.plannable.skipped.find((t) => t.task === task) : undefined;
    return `${head}\n\nNot in the plan: ${skipped ? `it ${skipped.reason}` : 'a duplicate name?'}.`;
  }
  const nodes = nodesByName(analysis);
  const lines: string[] = [];
  let explained = 0;
  for (const t of instances.slice(0, MAX_LINES)) {
    const r = analysis.plan.tasks.get(t.id);
    if (r?.kind === 'placed') {
      const n = nodes.get(r.node);
      lines.push(`- **${t.name}** → ${r.node}${n ? ` · ${load(n)}` : ''}${r.ports.length > 0 ? ` · ports ${r.ports.join(', ')}` : ''}`);
    } else if (explained++ < 2) lines.push(`- **${t.name}** ${r?.kind === 'blocked' ? 'is blocked' : 'cannot be placed'}: ${explain(analysis, t.id).summary}`);
    else lines.push(`- **${t.name}** ${r?.kind ?? 'unknown'}`);
  }
  if (instances.length > MAX_LINES) lines.push(`- … and ${instances.length - MAX_LINES} more instances`);
  const out = [head, '', ...lines];
  if (live) out.push('', ...liveLines(analysis, live, instances));
  const report = (live ?? analysis).failover.get(job.spec.name);
  if (withFailover && report) out.push('', ...failoverLines(analysis, report, new Set(instances.map((t) => t.id)), live !== undefined));
  return out.join('\n');
}

/** Where each instance runs now, since when, its restarts, and how that compares with the plan. */
function liveLines(analysis: ClusterAnalysis, live: LiveAnalysis, instances: readonly TaskInstance[]): string[] {
  const lines = [`**Live** · cluster \`${live.state.cluster}\` (${live.state.engine})`];
  for (const t of instances.slice(0, MAX_LINES)) {
    const now = live.tasks.get(t.id);
    const r = analysis.plan.tasks.get(t.id);
    lines.push(`- **${t.name}** ${now ? liveLine(r?.kind === 'placed' ? r.node : undefined, now) : 'is not running'}`);
  }
  if (instances.length > MAX_LINES) lines.push(`- … and ${instances.length - MAX_LINES} more instances`);
  return lines;
}

function failoverLines(analysis: ClusterAnalysis, report: FailoverReport, ids: ReadonlySet<string>, live: boolean): string[] {
  const title = live ? '**Failover** (from the live placements)' : '**Failover**';
  const lines: string[] = [];
  let more = 0;
  for (const s of report.scenarios) {
    const what = scenarioEffects(analysis, s, (id) => ids.has(id));
    if (what.length === 0) continue;
    if (lines.length < MAX_LINES) lines.push(`- if ${scenarioName(s)} ${s.lost.length > 1 ? 'fail' : 'fails'}: ${what.join('; ')}`);
    else more++;
  }
  if (more > 0) lines.push(`- … and ${more} more scenarios`);
  if (lines.length === 0) return [report.scenarios.length > 0 ? `${title}: no checked failure moves it.` : `${title}: no scenarios checked.`];
  return [title, ...lines];
}

/** What a scenario does to the tasks `mine` selects: moves, evictions, losses. */
function scenarioEffects(analysis: ClusterAnalysis, s: FailoverScenario, mine: (id: string) => boolean): string[] {
  const out: string[] = [];
  for (const m of s.moves) {
    if (!mine(m.task)) continue;
    const evicts = s.evicted.filter((e) => e.by === m.task).map((e) => nameOf(analysis, e.task));
    out.push(`${nameOf(analysis, m.task)} → ${m.to}${evicts.length > 0 ? ` (evicting ${evicts.join(', ')})` : ''}`);
  }
  for (const e of s.evicted) if (mine(e.task)) out.push(`${nameOf(analysis, e.task)} is evicted from ${e.from} by ${nameOf(analysis, e.by)}`);
  for (const u of s.unplaced) if (mine(u.task)) out.push(`${nameOf(analysis, u.task)} has no node — ${u.reason}`);
  return out;
}

function dependsOnHover(analysis: ClusterAnalysis | undefined, job: CheckedJob, name: string): string {
  if (!job.spec.tasks.some((t) => t.name === name)) return `No task named \`${name}\` in job \`${job.spec.name}\`.`;
  return `Depends on ${taskHover(analysis, job, name, false)}`;
}

function constraintHover(analysis: ClusterAnalysis | undefined, job: CheckedJob, doc: SpecDocument, i: number, j: number, task: string): string {
  const c = arrayAt(doc.value, ['tasks', i, 'constraints', j]);
  if (!c) return '';
  const [field, op, value] = c.map((x) => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? String(x) : undefined));
  const out = [`**${[field, op, value].filter((x) => x !== undefined).join(' ')}** · constraint of \`${task}\``];
  const doc1 = op && operatorDoc(op);
  if (doc1) out.push('', doc1);
  const cluster = job.cluster?.spec;
  if (cluster && field) out.push('', fieldValues(cluster, field));
  if (!analysis) return [...out, '', unavailable(job)].join('\n');
  // The constraint's index in the model (which leaves out malformed ones), found by its place in
  // the spec: the explanation's constraints are in that order.
  const span = doc.nodes.get(pointerOf('tasks', i, 'constraints', j))?.span;
  const at = job.spec.tasks.find((t) => t.name === task)?.constraints.findIndex((c) => c.span.start === span?.start) ?? -1;
  const lines: string[] = [];
  for (const t of instancesOf(analysis, job.spec.name, task).slice(0, 3)) {
    const why = explain(analysis, t.id);
    const report = at < 0 ? undefined : why.constraints[at];
    if (!report) continue;
    lines.push(`- for **${t.name}**: ${report.filtered.length === 0 ? 'filters no node' : `filters ${list(report.filtered)}`}`);
  }
  if (lines.length > 0) out.push('', 'Given where the other tasks are:', ...lines);
  return out.join('\n');
}

function fieldValues(cluster: ClusterSpec, field: string): string {
  if (field === 'hostname') return `\`hostname\` is the node name: ${list(cluster.nodes.map((n) => n.name))}.`;
  const have = cluster.nodes.flatMap((n) => {
    const v = attributeOf(n, field);
    return v === undefined ? [] : [`${n.name}=${v}`];
  });
  return have.length === 0 ? `No node defines \`${field}\`.` : `\`${field}\` on the nodes: ${list(have)}.`;
}

function clusterRefHover(job: CheckedJob): string | undefined {
  const source = job.cluster;
  if (!source) return undefined;
  const total = source.spec.nodes.reduce<Resources>((a, n) => ({ cpus: a.cpus + n.resources.cpus, mem: a.mem + n.resources.mem, disk: a.disk + n.resources.disk, gpus: a.gpus + n.resources.gpus }), { cpus: 0, mem: 0, disk: 0, gpus: 0 });
  return `Cluster **${source.spec.name}** (${source.path}): ${source.spec.nodes.length} nodes · ${resources(total)}${source.ok ? '' : ' · has errors'}`;
}

// ---------------------------------------------------------------------------------------------
// Clusters

function clusterHover(ctx: FeatureContext, path: string, checked: CheckedFile, doc: SpecDocument, loc: SpecLocation): string | undefined {
  const schema = keyMarkdown('Cluster', loc);
  const s = loc.segments;
  const cluster = checked.clusters.find((c) => c.doc === doc);
  if (!cluster || s[0] !== 'nodes' || typeof s[1] !== 'number' || s.length !== 3 || s[2] !== 'name') return schema;
  const name = stringAt(doc.value, ['nodes', s[1], 'name']);
  const node = cluster.spec.nodes.find((n) => n.name === name);
  if (!node) return schema;
  const analysis = cluster === checked.clusters[0] && cluster.ok ? ctx.analyses.forCluster(path, cluster.spec) : undefined;
  return join(nodeHover(analysis, cluster.spec, node.name), loc.on === 'key' ? schema : undefined);
}

function nodeHover(analysis: ClusterAnalysis | undefined, cluster: ClusterSpec, name: string): string {
  const node = cluster.nodes.find((n) => n.name === name);
  const planNode = analysis && nodesByName(analysis).get(name);
  const out = [`**${name}** · ${planNode ? load(planNode) : node ? resources(node.resources) : ''}`];
  const attrs = Object.entries(node?.attributes ?? {});
  if (attrs.length > 0) out.push('', `Attributes: ${attrs.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  if (!analysis) return [...out, '', 'Fix the errors of this cluster (and of the first Cluster document of its file) to see what runs here.'].join('\n');
  const here: string[] = [];
  const unplaced: string[] = [];
  let blocked = 0;
  for (const [id, r] of analysis.plan.tasks) {
    if (r.kind === 'placed' && r.node === name) here.push(id);
    else if (r.kind === 'unplaced') unplaced.push(id);
    else if (r.kind === 'blocked') blocked++;
  }
  const task = (id: string): string => {
    const t = analysis.instances.get(id);
    return `${nameOf(analysis, id)}${t ? ` · ${resources(t.resources)}` : ''}`;
  };
  out.push('', here.length === 0 ? 'Nothing runs here.' : '**Runs here**', ...capped(here.map((id) => `- ${task(id)}`)));
  if (unplaced.length > 0) {
    const why = unplaced.slice(0, MAX_EXPLAIN).map((id) => `- ${nameOf(analysis, id)}: ${(explain(analysis, id, name).perNode?.reasons ?? []).join('; ') || 'fits now, but not when it was its turn'}`);
    if (unplaced.length > MAX_EXPLAIN) why.push(`- … and ${unplaced.length - MAX_EXPLAIN} more unplaced tasks`);
    out.push('', '**Not placed — why not here**', ...why);
  }
  if (blocked > 0) out.push('', `${blocked} blocked ${blocked === 1 ? 'task waits' : 'tasks wait'} for dependencies that cannot be placed.`);
  const failover: string[] = [];
  for (const [, report] of analysis.failover) {
    for (const s of report.scenarios) {
      if (s.kind !== 'node' || s.lost[0] !== name) continue;
      failover.push(...scenarioEffects(analysis, s, () => true).map((e) => `- ${e}`));
    }
  }
  if (failover.length > 0) out.push('', `**If ${name} fails**`, ...capped(failover));
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** The schema's word on the key (or value) under the cursor. */
function keyMarkdown(kind: 'Job' | 'Cluster', loc: SpecLocation): string | undefined {
  const info = schemaInfoAt(kind, loc.segments);
  if (!info) return undefined;
  return schemaMarkdown(displayName(loc.segments), info);
}

function displayName(segments: readonly Segment[]): string {
  const last = segments[segments.length - 1];
  if (typeof last !== 'number') return String(last);
  const key = [...segments].reverse().find((x) => typeof x === 'string');
  return `${key ?? ''}[${last}]`;
}

function nodesByName(analysis: ClusterAnalysis): Map<string, PlanNode> {
  return new Map(analysis.plan.nodes.map((n) => [n.name, n]));
}

/** "cpus 2/3 · mem 4/6 GiB · disk 2/2 GiB": allocated of capacity, every job on the node. */
export function load(n: PlanNode): string {
  const parts = [`cpus ${formatCpus(n.allocated.cpus)}/${formatCpus(n.capacity.cpus)}`, `mem ${memPair(n.allocated.mem, n.capacity.mem)}`];
  if (n.capacity.disk > 0 || n.allocated.disk > 0) parts.push(`disk ${memPair(n.allocated.disk, n.capacity.disk)}`);
  if (n.capacity.gpus > 0 || n.allocated.gpus > 0) parts.push(`gpus ${n.allocated.gpus}/${n.capacity.gpus}`);
  return parts.join(' · ');
}

function memPair(used: number, cap: number): string {
  if (used % 1024 === 0 && cap % 1024 === 0 && cap > 0) return `${used / 1024}/${cap / 1024} GiB`;
  return `${formatMemory(used)}/${formatMemory(cap)}`;
}

function resources(r: Resources): string {
  const parts = [`cpus ${formatCpus(r.cpus)}`, `mem ${formatMemory(r.mem)}`];
  if (r.disk > 0) parts.push(`disk ${formatMemory(r.disk)}`);
  if (r.gpus > 0) parts.push(`gpus ${r.gpus}`);
  return parts.join(' · ');
}

/** The instance name, with its job when the cluster runs several jobs. */
function nameOf(analysis: ClusterAnalysis, id: string): string {
  const t = analysis.instances.get(id);
  if (!t) return id;
  return analysis.jobs.length > 1 ? `${t.job}/${t.name}` : t.name;
}

function unavailable(job: CheckedJob): string {
  return job.plannable.kind === 'not-plannable' ? `No placement: ${job.plannable.reason}.` : 'No placement.';
}

function capped(lines: string[]): string[] {
  return lines.length <= MAX_LINES ? lines : [...lines.slice(0, MAX_LINES), `- … and ${lines.length - MAX_LINES} more`];
}

function list(names: readonly string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 6).join(', ')} and ${names.length - 6} more`;
}

function join(...parts: (string | undefined)[]): string | undefined {
  const present = parts.filter((p): p is string => p !== undefined && p !== '');
  return present.length === 0 ? undefined : present.join('\n\n---\n\n');
}

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof seg === 'number') v = Array.isArray(v) ? (v as unknown[])[seg] : undefined;
    else v = isRecord(v) ? v[seg] : undefined;
  }
  return v;
}

function stringAt(root: unknown, path: readonly Segment[]): string | undefined {
  const v = valueAt(root, path);
  return typeof v === 'string' ? v : undefined;
}

function arrayAt(root: unknown, path: readonly Segment[]): unknown[] | undefined {
  const v = valueAt(root, path);
  return Array.isArray(v) ? (v as unknown[]) : undefined;
}
