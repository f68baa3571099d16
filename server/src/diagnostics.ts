/**
 * Publishes diagnostics after edits: debounced, for every open Berth file whose inputs changed
 * (a cluster edit re-checks every open job that targets it), and only when the result changed.
 */
import type { Connection } from 'vscode-languageserver';
import type { ClusterAnalysis } from '../engine/analyzeCluster';
import type { CheckedFile } from '../engine/checkSpec';
import type { Analyses } from './analysis';
import { pathToUri, toDiagnostic, type Positions } from './convert';
import { guard } from './guard';
import type { Workspace } from './workspace';

export interface DiagnosticsDeps {
  readonly connection: Connection;
  readonly workspace: Workspace;
  readonly analyses: Analyses;
  readonly positions: Positions;
  readonly debounceMs: number;
  readonly log: (message: string) => void;
}

interface Published {
  readonly checked: CheckedFile;
  readonly analyses: readonly ClusterAnalysis[];
  readonly version: number | undefined;
}

export class DiagnosticsScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly published = new Map<string, Published>();

  constructor(private readonly deps: DiagnosticsDeps) {}

  private stopped = false;

  /** A file's text changed (open, edit, close or on disk): re-analyse soon. */
  changed(_path: string): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.deps.debounceMs);
  }

  /** The client asked the server to shut down: drop pending work and publish nothing more. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Analyses every open Berth file now and publishes what changed. Each file on its own: a bug
   * met on one is logged and does not keep the others' diagnostics from being published.
   */
  flush(): void {
    const open = new Set(this.deps.workspace.openPaths());
    for (const path of [...this.published.keys()]) if (!open.has(path)) this.published.delete(path);
    for (const path of open) guard(this.deps.log, `publishing diagnostics for ${path}`, () => this.publish(path));
  }

  private publish(path: string): void {
    const { workspace, analyses, positions, connection } = this.deps;
    const checked = workspace.check(path);
    if (!checked) return;
    const results = analyses.forFile(path, checked).map((r) => r.analysis);
    const version = workspace.version(path);
    const last = this.published.get(path);
    if (last && last.checked === checked && last.version === version && sameList(last.analyses, results)) return;
    const problems = analyses.problems(path, checked);
    const index = positions.index(path, checked.file.text);
    this.published.set(path, { checked, analyses: results, version });
    void connection.sendDiagnostics({ uri: pathToUri(path), ...(version === undefined ? {} : { version }), diagnostics: problems.map((p) => toDiagnostic(index, p)) });
  }
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
