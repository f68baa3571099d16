/**
 * The placement preview inline: an inlay hint on each task (where it lands and that node's load),
 * on each node of a cluster file (its allocation), and failover code lenses ("if node2 fails:
 * task2 → node3" / "task2 has no node: cpus").
 */
import type { CodeLens, InlayHint, ServerCapabilities } from 'vscode-languageserver';
import type { ClusterAnalysis } from '../../engine/analysis/analyzeCluster';
import { explain, instancesOf } from '../../engine/analysis/analyzeCluster';
import type { FailoverScenario, PlanNode } from '../../engine/alloc';
import type { LiveAnalysis } from '../../engine/analysis/liveAnalysis';
import { driftText } from '../../engine/analysis/liveState';
import type { ClusterSpec, JobSpec, Span, TaskSpec } from '../../engine/model';
import { scenarioName, scenarioVerb } from '../../engine/analysis/placementProblems';
import { formatCpus } from '../../engine/spec/units';
import { toOffset, toRange, uriToPath } from '../convert';
import { guarded } from '../guard';
import type { FeatureContext } from './context';

/** Client commands the lenses invoke (registered by the extension; other editors show the title). */
export const SHOW_PLAN_COMMAND = 'berth.plan';
export const SHOW_SCENARIO_COMMAND = 'berth.showFailoverScenario';
/** Runs a scenario on the live cluster; the extension checks trust and the cluster, the server knows nothing of Docker. */
export const DRILL_COMMAND = 'berth.drill';
/** Lenses per file at most: a 1,000-node cluster should not bury the editor. */
const MAX_SCENARIO_LENSES = 12;

function gib(mib: number): string {
  const g = mib / 1024;
  return Number.isInteger(g) ? String(g) : g.toFixed(1).replace(/\.0$/, '');
}

/** "cpus 2/3 · mem 4/6 GiB" (disk and gpus when the node has any). */
export function loadText(node: PlanNode): string {
  const parts = [`cpus ${formatCpus(node.allocated.cpus)}/${formatCpus(node.capacity.cpus)}`];
  parts.push(node.capacity.mem >= 1024 ? `mem ${gib(node.allocated.mem)}/${gib(node.capacity.mem)} GiB` : `mem ${node.allocated.mem}/${node.capacity.mem} MiB`);
  if (node.capacity.disk > 0) parts.push(node.capacity.disk >= 1024 ? `disk ${gib(node.allocated.disk)}/${gib(node.capacity.disk)} GiB` : `disk ${node.allocated.disk}/${node.capacity.disk} MiB`);
  if (node.capacity.gpus > 0) parts.push(`gpus ${node.allocated.gpus}/${node.capacity.gpus}`);
  return parts.join(' · ');
}

/**
 * The hint after a task's name. With `live` (the job runs): an instance that runs elsewhere than
 * planned says so (driftText); one that runs where planned gets its state after the planned hint.
 */
export function taskHint(analysis: ClusterAnalysis, job: JobSpec, task: TaskSpec, live?: LiveAnalysis): string {
  const instances = instancesOf(analysis, job.name, task.name);
  const nodes = new Map(analysis.plan.nodes.map((n) => [n.name, n]));
  const parts: string[] = [];
  for (const t of instances) {
    const r = analysis.plan.tasks.get(t.id);
    const label = instances.length > 1 ? `${t.name} ` : '';
    if (!r) continue;
    const now = live?.tasks.get(t.id);
    const drift = now && driftText(r.kind === 'placed' ? r.node : undefined, now);
    if (drift !== undefined) {
      parts.push(`${label}${drift}`);
      continue;
    }
    if (now && live) {
      // Where it was planned: the load that node has now.
      parts.push(`${label}→ ${now.node}${instances.length > 1 ? '' : loadSuffix(live.plan.nodes.find((n) => n.name === now.node))} · ${now.state}`);
      continue;
    }
    if (r.kind === 'placed') {
      const n = nodes.get(r.node);
      parts.push(instances.length > 1 ? `${label}→ ${r.node}` : `→ ${r.node}${n ? ` · ${loadText(n)}` : ''}`);
    } else if (r.kind === 'blocked') parts.push(`${label}⏸ blocked by ${r.blockedBy.join(', ')}`);
    else parts.push(`${label}✗ no node: ${firstReason(explain(analysis, t.id).summary)}`);
  }
  return parts.join(' · ');
}

function loadSuffix(n: PlanNode | undefined): string {
  return n ? ` · ${loadText(n)}` : '';
}

/**
 * The analysis the failover lenses read: for each job that runs (`live`), its scan from the live
 * placements in place of the fresh plan's.
 */
export function withLiveFailover(analysis: ClusterAnalysis, live: LiveAnalysis | undefined): ClusterAnalysis {
  if (!live) return analysis;
  const failover = new Map(analysis.failover);
  for (const [job, report] of live.failover) failover.set(job, report);
  return { ...analysis, failover };
}

function firstReason(summary: string): string {
  const cut = summary.indexOf(';');
  return cut < 0 ? summary : summary.slice(0, cut);
}

/** The tasks a node runs, by display name, and its load: "cpus 3/4 · mem 6/8 GiB · task3". */
export function nodeHint(analysis: ClusterAnalysis, node: string): string {
  const n = analysis.plan.nodes.find((x) => x.name === node);
  if (!n) return '';
  const here: string[] = [];
  const jobs = new Set<string>();
  for (const [id, r] of analysis.plan.tasks) {
    if (r.kind !== 'placed' || r.node !== node) continue;
    const t = analysis.instances.get(id);
    if (!t) continue;
    jobs.add(t.job);
    here.push(id);
  }
  const names = here.map((id) => (jobs.size > 1 ? id : id.slice(id.indexOf('/') + 1)));
  const shown = names.length > 6 ? [...names.slice(0, 6), `+${names.length - 6} more`] : names;
  return `${loadText(n)}${shown.length ? ` · ${shown.join(', ')}` : ' · idle'}`;
}

/** "if node2 fails: task2 → node3" or "if node2 fails: task2 has no node: cpus". */
export function scenarioText(analysis: ClusterAnalysis, s: FailoverScenario, job?: string): string {
  const mine = (id: string): boolean => job === undefined || analysis.instances.get(id)?.job === job;
  const name = (id: string): string => (job !== undefined ? id.slice(id.indexOf('/') + 1) : id);
  const parts = [
    ...s.unplaced.filter((u) => mine(u.task)).map((u) => `${name(u.task)} has no node: ${firstReason(u.reason)}`),
    ...s.moves.filter((m) => mine(m.task)).map((m) => `${name(m.task)} → ${m.to}`),
    ...s.evicted.filter((e) => mine(e.task)).map((e) => `${name(e.task)} evicted from ${e.from}`),
  ];
  return `if ${scenarioName(s)} ${scenarioVerb(s)}: ${parts.length ? parts.join(', ') : 'nothing to move'}`;
}

export function registerPreview(ctx: FeatureContext): ServerCapabilities {
  ctx.connection.languages.inlayHint.on((params) =>
    guarded(ctx.log, 'inlay hints', [] as InlayHint[], () => {
      const path = uriToPath(params.textDocument.uri);
      const checked = ctx.workspace.check(path);
      if (!checked) return [];
      const index = ctx.positions.index(path, checked.file.text);
      const from = toOffset(index, params.range.start);
      const to = toOffset(index, params.range.end);
      // A hint sits at the end of its name's line: it is in range when that position is.
      const at = (s: Span): number => lineEnd(checked.file.text, s.end);
      const inRange = (s: Span): boolean => at(s) >= from && at(s) <= to;
      const hints: InlayHint[] = [];
      const add = (span: Span, label: string): void => {
        if (label) hints.push({ position: index.positionAt(at(span)), label: `  ${label}`, paddingLeft: true });
      };
      for (const { job, analysis } of ctx.analyses.forFile(path, checked)) {
        if (job === undefined) {
          for (const n of checked.clusters[0]?.spec.nodes ?? []) if (inRange(n.nameSpan)) add(n.nameSpan, nodeHint(analysis, n.name));
          continue;
        }
        const spec = checked.jobs.find((j) => j.spec.name === job)?.spec;
        const live = ctx.live.of(analysis);
        for (const t of spec?.tasks ?? []) if (inRange(t.nameSpan)) add(t.nameSpan, taskHint(analysis, spec as JobSpec, t, live?.jobs.has(job) ? live : undefined));
      }
      return hints;
    }),
  );

  ctx.connection.onCodeLens((params) =>
    guarded(ctx.log, 'code lenses', [] as CodeLens[], () => {
      const path = uriToPath(params.textDocument.uri);
      const checked = ctx.workspace.check(path);
      if (!checked) return [];
      const index = ctx.positions.index(path, checked.file.text);
      const lenses: CodeLens[] = [];
      for (const { job, analysis: planned } of ctx.analyses.forFile(path, checked)) {
        const live = ctx.live.of(planned);
        const analysis = withLiveFailover(planned, live);
        if (job === undefined) {
          const cluster = checked.clusters[0]?.spec;
          if (cluster) lenses.push(...clusterLenses(analysis, cluster, params.textDocument.uri, (s) => toRange(index, s)));
          continue;
        }
        const spec = checked.jobs.find((j) => j.spec.name === job)?.spec;
        if (spec) lenses.push(...jobLenses(analysis, spec, params.textDocument.uri, (s) => toRange(index, s), live?.jobs.has(job) === true));
      }
      return lenses;
    }),
  );
  return { inlayHintProvider: true, codeLensProvider: { resolveProvider: false } };
}

type ToRange = (s: Span) => ReturnType<typeof toRange>;

/**
 * On the job's name: the plan command and the failover verdict; then the scenarios that touch it
 * (`running`: the job runs, and its scenarios start from the live placements).
 */
function jobLenses(analysis: ClusterAnalysis, job: JobSpec, uri: string, range: ToRange, running = false): CodeLens[] {
  const report = analysis.failover.get(job.name);
  const at = range(job.nameSpan);
  const placed = [...analysis.plan.tasks].filter(([id, r]) => analysis.instances.get(id)?.job === job.name && r.kind === 'placed').length;
  const total = [...analysis.instances.values()].filter((t) => t.job === job.name).length;
  const touching = (report?.scenarios ?? []).filter((s) => [...s.unplaced, ...s.moves, ...s.evicted].some((x) => analysis.instances.get(x.task)?.job === job.name));
  const failing = touching.filter((s) => s.unplaced.some((u) => analysis.instances.get(u.task)?.job === job.name));
  const from = running ? ' from the live placements' : '';
  const verdict = !report ? '' : report.safe ? ` · failover-safe${from}` : ` · not failover-safe${from} (${failing.length} scenario${failing.length === 1 ? '' : 's'})`;
  const lenses: CodeLens[] = [{ range: at, command: { title: `Plan: ${placed}/${total} placed${verdict}`, command: SHOW_PLAN_COMMAND, arguments: [uri] } }];
  const ordered = [...failing, ...touching.filter((s) => !failing.includes(s))].slice(0, MAX_SCENARIO_LENSES);
  for (const s of ordered) lenses.push({ range: at, command: { title: scenarioText(analysis, s, job.name), command: SHOW_SCENARIO_COMMAND, arguments: [uri, s.lost] } }, drillLens(at, uri, s));
  if (touching.length > ordered.length) lenses.push({ range: at, command: { title: `+${touching.length - ordered.length} more scenarios`, command: SHOW_PLAN_COMMAND, arguments: [uri] } });
  return lenses;
}

/** Beside a failover lens: run that scenario on the live cluster. */
function drillLens(at: CodeLens['range'], uri: string, s: FailoverScenario): CodeLens {
  return { range: at, command: { title: 'Drill', command: DRILL_COMMAND, arguments: [uri, [...s.lost]] } };
}

/** On each node: what its loss does to every job on the cluster. */
function clusterLenses(analysis: ClusterAnalysis, cluster: ClusterSpec, uri: string, range: ToRange): CodeLens[] {
  const single = new Map<string, FailoverScenario[]>();
  for (const report of analysis.failover.values()) {
    for (const s of report.scenarios) {
      if (s.kind !== 'node') continue;
      const list = single.get(s.lost[0] ?? '') ?? [];
      list.push(s);
      single.set(s.lost[0] ?? '', list);
    }
  }
  const lenses: CodeLens[] = [];
  for (const n of cluster.nodes) {
    const scenarios = single.get(n.name);
    if (!scenarios || scenarios.length === 0) continue;
    // The same scenario is simulated once per job; show the first (they agree on placements).
    const s = scenarios[0];
    if (!s) continue;
    const at = range(n.nameSpan);
    lenses.push({ range: at, command: { title: scenarioText(analysis, s, analysis.jobs.length === 1 ? analysis.jobs[0]?.name : undefined), command: SHOW_SCENARIO_COMMAND, arguments: [uri, s.lost] } }, drillLens(at, uri, s));
  }
  return lenses;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  const end = nl < 0 ? text.length : nl;
  return text.charCodeAt(end - 1) === 13 ? end - 1 : end;
}
