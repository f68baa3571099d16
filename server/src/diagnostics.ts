/**
 * Publishes diagnostics after edits: debounced, for every open Berth file whose inputs changed
 * (a cluster edit re-checks every open job that targets it), and only when the result changed.
 * The first publish after an edit carries the quick analysis (no capacity suggestion; on a large
 * workspace only the single-node scan; see analysis.ts); once typing pauses for `fullDelayMs`,
 * the full one follows, one file per turn of the event loop, and the next edit cancels what is
 * left of it: the files not yet analysed and, when the front counts the changes it passes on
 * (`changeCount`), the analysis under way, between two failover scenarios. A large file
 * just opened has its check published at once, before the analysis (see EARLY_CHECK_CHARS).
 */
import type { Connection } from 'vscode-languageserver';
import type { ClusterAnalysis } from '../engine/analysis/analyzeCluster';
import { Interrupted } from '../engine/alloc';
import type { CheckedFile } from '../engine/checkSpec';
import type { Problem } from '../engine/model';
import type { Analyses } from './analysis';
import { pathToUri, toDiagnostic, type Positions } from './convert';
import { guard } from './guard';
import type { Workspace } from './workspace';

/**
 * A pause in typing this long brings the full analysis. It runs on this thread (up to about half a
 * second on a 5,000-task, 1,000-node workspace), so it should not start between keystrokes; an
 * edit that comes during it stops it (see `changeCount`).
 */
export const FULL_DELAY_MS = 1000;

/**
 * A file of at least this many characters (about 2,000 tasks) has, on its first publish since it
 * was opened, the check's own problems (syntax, schema, rules) published at once, and the
 * placement analysis's added in a second publish: a syntax or schema error in a 5,000-task job
 * shows in about the time a YAML parse of it takes, not after the plan and the failover scan too.
 * By size, not by time, so that what a client sees first does not depend on the machine's speed.
 */
export const EARLY_CHECK_CHARS = 256 * 1024;

/** Is a file of this text published in two steps when it is opened (the check, then the analysis)? */
export function checkPublishedFirst(text: string, threshold = EARLY_CHECK_CHARS): boolean {
  return text.length >= threshold;
}

export interface DiagnosticsDeps {
  readonly connection: Connection;
  readonly workspace: Workspace;
  readonly analyses: Analyses;
  readonly positions: Positions;
  readonly debounceMs: number;
  /** Pause in typing before the full analysis (default FULL_DELAY_MS). */
  readonly fullDelayMs?: number;
  /** See EARLY_CHECK_CHARS (the default). */
  readonly earlyCheckChars?: number;
  /**
   * How many document changes the front has passed on so far, counted as it passes them (before
   * this thread reads them): a full analysis under way stops when the count moves. Without it
   * (one thread) the full analysis runs to its end.
   */
  readonly changeCount?: () => number;
  readonly log: (message: string) => void;
  /** After each flush (the quick diagnostics of every open file published): background work may go on. */
  readonly flushed?: () => void;
}

interface Published {
  readonly checked: CheckedFile;
  readonly analyses: readonly ClusterAnalysis[];
  readonly version: number | undefined;
}

export class DiagnosticsScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private fullTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every change: a full pass under way stops when it no longer matches. */
  private generation = 0;
  private readonly published = new Map<string, Published>();

  constructor(private readonly deps: DiagnosticsDeps) {}

  private stopped = false;
  private lastChange = -Infinity;

  /** How long the last flush took: changes that come faster than this are coalesced. */
  private lastFlushMs = 0;

  /**
   * A file's text changed (open, edit, close or on disk): re-analyse soon. A change is analysed at
   * once (after the messages already received) unless changes are coming faster than they can be
   * analysed: one that follows the last within `debounceMs` and within the time the last analysis
   * took waits until the burst is over (leading and trailing edge). So a user who types slower
   * than the server analyses never waits for the debounce, and a flood of edits is analysed once.
   */
  changed(_path: string): void {
    if (this.stopped) return;
    this.generation++;
    if (this.fullTimer) clearTimeout(this.fullTimer);
    this.fullTimer = undefined;
    const now = performance.now();
    const quiet = this.timer === undefined && now - this.lastChange >= Math.min(this.deps.debounceMs, this.lastFlushMs);
    this.lastChange = now;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.flush();
      },
      quiet ? 0 : this.deps.debounceMs,
    );
  }

  /** Is a flush due (an edit not yet analysed)? Background work waits for it. */
  pending(): boolean {
    return this.timer !== undefined;
  }

  /** The client asked the server to shut down: drop pending work and publish nothing more. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.fullTimer) clearTimeout(this.fullTimer);
    this.timer = undefined;
    this.fullTimer = undefined;
  }

  /**
   * Analyses every open Berth file now and publishes what changed. Each file on its own: a bug
   * met on one is logged and does not keep the others' diagnostics from being published.
   */
  flush(): void {
    const started = performance.now();
    const open = new Set(this.deps.workspace.openPaths());
    for (const path of [...this.published.keys()]) if (!open.has(path)) this.published.delete(path);
    const incomplete: string[] = [];
    for (const path of open) {
      guard(this.deps.log, `publishing diagnostics for ${path}`, () => {
        if (this.publish(path, 'quick') === 'partial') incomplete.push(path);
      });
    }
    this.lastFlushMs = performance.now() - started;
    if (incomplete.length > 0 && !this.stopped) this.fullTimer = setTimeout(() => this.fullPass(incomplete, this.generation), this.deps.fullDelayMs ?? FULL_DELAY_MS);
    if (!this.stopped) this.deps.flushed?.();
  }

  /** The full analysis, one file per turn, so that requests and edits are served in between. */
  private fullPass(paths: readonly string[], generation: number): void {
    this.fullTimer = undefined;
    const [path, ...rest] = paths;
    if (path === undefined || this.stopped || generation !== this.generation) return;
    const { changeCount } = this.deps;
    const at = changeCount?.();
    const interrupted = changeCount && (() => changeCount() !== at);
    let stopped = false;
    guard(this.deps.log, `publishing full diagnostics for ${path}`, () => {
      try {
        this.publish(path, 'full', interrupted);
      } catch (err) {
        if (!(err instanceof Interrupted)) throw err;
        stopped = true;
      }
    });
    if (!stopped) {
      if (rest.length > 0) setImmediate(() => this.fullPass(rest, generation));
      return;
    }
    // A change is on its way. One to a Berth file cancels this retry and brings a pass of its own;
    // one to another file (which the front counts too) does not, and the pass runs again after
    // the same pause.
    this.fullTimer = setTimeout(() => this.fullPass(paths, generation), this.deps.fullDelayMs ?? FULL_DELAY_MS);
  }

  /** 'partial' when what was published lacks the full analysis. */
  private publish(path: string, depth: 'quick' | 'full', interrupted?: () => boolean): 'complete' | 'partial' {
    const { workspace, analyses } = this.deps;
    const checked = workspace.check(path);
    if (!checked) return 'complete';
    // A large file just opened: its check's problems (sorted by the checker) now, the analysis's next.
    if (depth === 'quick' && !this.published.has(path) && checkPublishedFirst(checked.file.text, this.deps.earlyCheckChars)) this.send(path, checked, checked.problems);
    const completeness = (): 'complete' | 'partial' => (analyses.complete(path, checked) ? 'complete' : 'partial');
    const results = analyses.forFile(path, checked, depth, interrupted).map((r) => r.analysis);
    const version = workspace.version(path);
    const last = this.published.get(path);
    if (last && last.checked === checked && last.version === version && sameList(last.analyses, results)) return completeness();
    this.published.set(path, { checked, analyses: results, version });
    this.send(path, checked, analyses.problems(path, checked, depth));
    return completeness();
  }

  /** Publishes `problems` for the file, with its open version. */
  private send(path: string, checked: CheckedFile, problems: readonly Problem[]): void {
    const { workspace, positions, connection } = this.deps;
    const version = workspace.version(path);
    const index = positions.index(path, checked.file.text);
    void connection.sendDiagnostics({ uri: pathToUri(path), ...(version === undefined ? {} : { version }), diagnostics: problems.map((p) => toDiagnostic(index, p)) });
  }
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
