/**
 * The "Deploy" code lens on each `kind: Job` line of a job file. It is the extension's own (the
 * language server knows nothing of Docker): a line scan finds the lenses, no parse, so it costs
 * nothing per edit. In a trusted workspace each lens is resolved with the deploy diff — what a
 * deploy of the file as saved would do on the live cluster (`Deploy: 2 new · 1 replaced · 7
 * unchanged · 1 removed`, the list in the tooltip) — the same decision `berth diff` prints and
 * deploy makes. It is computed again when a file is saved or the cluster changes, never per
 * keystroke (a check of a large job and a Docker read on every edit would load the extension host).
 */
import * as vscode from 'vscode';
import { diffCluster, diffSummary, loadSpecs, type DeployDiff } from '../../cluster/index';
import { readClusterSettings } from '../settings';
import { withDefaultImage } from './clusterCommand';
import type { ClusterSession } from './clusterSession';

const KIND_JOB = /^kind:\s*["']?Job["']?\s*(#.*)?$/;
const NAME = /^name:\s*["']?([^"'#\s]+)["']?/;

export const JOB_FILES: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.job.yaml' },
  { scheme: 'file', pattern: '**/*.job.yml' },
];

class DeployLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly document: vscode.TextDocument,
    readonly job: string | undefined,
  ) {
    super(range);
  }
}

/** At most this many instances by name in a tooltip. */
const TOOLTIP_LINES = 30;

/** The tooltip's list: `+ web/api-2`, `~ web/api-0 (image, node node2 → node3)`, `- web/old-0`, `= 7 unchanged`. */
export function diffTooltip(diff: DeployDiff): string {
  const lines = [
    ...diff.create.map((t) => `+ ${t}`),
    ...diff.replace.map((r) => `~ ${r.task} (${r.changes.join(', ')})`),
    ...diff.remove.map((t) => `- ${t}`),
  ];
  const shown = lines.length > TOOLTIP_LINES ? [...lines.slice(0, TOOLTIP_LINES), `… and ${lines.length - TOOLTIP_LINES} more`] : lines;
  if (diff.keep.length > 0) shown.push(`= ${diff.keep.length} unchanged`);
  return [`Deploy ${diff.job} to ${diff.cluster}:`, ...shown].join('\n');
}

export class DeployLensProvider implements vscode.CodeLensProvider<DeployLens> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  /** One diff per file and generation (saves and cluster changes), shared by the lenses of a file. */
  private readonly diffs = new Map<string, { readonly key: number; readonly diffs: Promise<ReadonlyMap<string, DeployDiff> | Error> }>();
  private generation = 0;

  constructor(private readonly session: ClusterSession | undefined) {}

  /** A file was saved, or the cluster changed (a deploy, a failover, a node stopped): the counts are recomputed. */
  invalidate(): void {
    this.generation++;
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  provideCodeLenses(document: vscode.TextDocument): DeployLens[] {
    const lenses: DeployLens[] = [];
    const lines = document.getText().split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      if (!KIND_JOB.test(lines[i] ?? '')) continue;
      // The job's name: the top-level `name:` of the same YAML document.
      let name: string | undefined;
      for (let k = i - 1; k >= 0 && !/^---/.test(lines[k] ?? '') && name === undefined; k--) name = NAME.exec(lines[k] ?? '')?.[1];
      for (let k = i + 1; k < lines.length && !/^---/.test(lines[k] ?? '') && name === undefined; k++) name = NAME.exec(lines[k] ?? '')?.[1];
      lenses.push(new DeployLens(new vscode.Range(i, 0, i, 0), document, name));
    }
    return lenses;
  }

  async resolveCodeLens(lens: DeployLens): Promise<DeployLens> {
    const args = [lens.document.uri.toString(), ...(lens.job ? [lens.job] : [])];
    const plain = (tooltip: string): DeployLens => {
      lens.command = { title: '$(rocket) Deploy', tooltip, command: 'berth.deployJob', arguments: args };
      return lens;
    };
    const what = `Deploy ${lens.job ?? 'this job'} to its cluster`;
    // An untrusted workspace never reaches Docker; an unreachable engine has nothing to compare.
    if (!vscode.workspace.isTrusted || !this.session || this.session.state.kind === 'unreachable') return plain(what);
    const found = await this.diffsOf(lens.document);
    if (found instanceof Error) return plain(`${what} (what it would change is unknown: ${found.message})`);
    const diff = lens.job ? found.get(lens.job) : [...found.values()][0];
    if (!diff) return plain(what);
    const unsaved = lens.document.isDirty ? '\n(of the file as saved; Deploy saves it first)' : '';
    lens.command = { title: `$(rocket) Deploy: ${diffSummary(diff)}`, tooltip: diffTooltip(diff) + unsaved, command: 'berth.deployJob', arguments: args };
    return lens;
  }

  private diffsOf(document: vscode.TextDocument): Promise<ReadonlyMap<string, DeployDiff> | Error> {
    const uri = document.uri.toString();
    const key = this.generation;
    const known = this.diffs.get(uri);
    if (known?.key === key) return known.diffs;
    const diffs = (async (): Promise<ReadonlyMap<string, DeployDiff> | Error> => {
      try {
        const specs = withDefaultImage(loadSpecs(document.uri.fsPath));
        const settings = readClusterSettings();
        const out = new Map<string, DeployDiff>();
        for (const job of specs.jobs) {
          const { diff } = await diffCluster(specs.cluster, job, { ...(settings.dockerHost ? { endpoint: settings.dockerHost } : {}), ...(settings.engine ? { engine: settings.engine } : {}) });
          out.set(job.name, diff);
        }
        return out;
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    })();
    this.diffs.set(uri, { key, diffs });
    return diffs;
  }
}

/** What a deploy decision depends on in the session's state: nodes up or down, tasks where and how (usage samples are not). */
function placementsKey(session: ClusterSession): string {
  const state = session.state;
  if (state.kind !== 'clusters') return state.kind;
  return JSON.stringify(state.clusters.map((c) => [c.cluster, c.engine, c.nodes.map((n) => [n.name, n.state]), c.tasks.map((t) => [t.id, t.node, t.state, t.container])]));
}

export function registerDeployLens(session?: ClusterSession): vscode.Disposable {
  const provider = new DeployLensProvider(session);
  // A saved job or cluster file changes what a deploy would do.
  const subscriptions: vscode.Disposable[] = [vscode.languages.registerCodeLensProvider(JOB_FILES, provider), provider, vscode.workspace.onDidSaveTextDocument(() => provider.invalidate())];
  if (session) {
    let seen = placementsKey(session);
    subscriptions.push(
      session.onDidChange(() => {
        const now = placementsKey(session);
        if (now === seen) return;
        seen = now;
        provider.invalidate();
      }),
    );
  }
  return vscode.Disposable.from(...subscriptions);
}
