/**
 * What the server knows about the workspace: open documents (their text wins), Berth files on
 * disk (found at start and kept fresh by file-watch events), and each file's check result,
 * memoised on the texts it was computed from (its own and the cluster file it read).
 */
import { createSpecChecker, isBerthFile, type CheckedFile, type CheckedJob, type CheckerOptions, type SpecChecker, type SpecHost } from '../engine/checkSpec';
import { createParseCache, type ParseCache, type Primer } from '../engine/spec/parseSpec';
import { maxDocumentSizeOf } from '../engine/protocol';
import { DEFAULT_MAX_FILE_SIZE, formatBytes } from '../host/diskFiles';
import type { SpecFileWalk } from '../engine/spec/specFiles';
import type { FileSystem } from './fileSystem';
import { guarded } from './guard';

/**
 * Size limits on the text of a file, open or not. Above `maxFileSize` (`berth.maxFileSize`, the
 * limit on files read from disk) a document is not checked at all: parsing 20 MB of YAML takes
 * tens of seconds and gigabytes. Above `maxDocumentSize` (`berth.analysis.maxDocumentSize`) it is
 * checked (syntax, schema, rules) but not planned: see Analyses.
 */
export interface SizeLimits {
  readonly maxFileSize: number;
  readonly maxDocumentSize: number;
}

interface FileState {
  text: string;
  /** Bumped whenever the text changes: analysis memo keys are built from it. */
  revision: number;
  cache: ParseCache;
  open: boolean;
  version: number | undefined;
  checked?: { result: CheckedFile; reads: ReadonlyMap<string, number> };
  /** The parse ahead of the next check (see prime), for this text. */
  primer?: { text: string; primer: Primer };
}

export class Workspace {
  private readonly files = new Map<string, FileState>();
  /** Made on the first check: compiling the schemas costs tens of ms that start-up need not pay. */
  private checker: SpecChecker | undefined;
  private nextRevision = 1;
  /** Files whose analysis was stopped (exclude): not read from disk until opened. */
  private readonly excluded = new Set<string>();
  limits: SizeLimits = { maxFileSize: DEFAULT_MAX_FILE_SIZE, maxDocumentSize: maxDocumentSizeOf(undefined) };
  /** The folders still to index (see startIndexing): each a walk, started when reached. */
  private readonly unindexed: { folder: string; walk?: SpecFileWalk; added: number }[] = [];
  /** Files the index has added in all (see startIndexing). */
  private indexedCount = 0;
  /** Hears of each folder indexed and how many files it added, whoever finished it. */
  onFolderIndexed: ((folder: string, added: number) => void) | undefined;

  /**
   * `log` hears of a bug met while checking one file for another's sake (see jobsTargeting);
   * `checker` tunes the checks (the front's completion skips the rules).
   */
  constructor(
    private readonly fs: FileSystem,
    private readonly log: (message: string) => void,
    private readonly checkerOptions: CheckerOptions = {},
  ) {}

  /** Indexes the Berth files under the workspace folders (read from disk, not opened), now. */
  indexFolders(folders: readonly string[]): void {
    this.startIndexing(folders);
    this.finishIndexing();
  }

  /**
   * Queues the workspace folders for indexing, which `indexStep` then does a slice at a time: the
   * server answers the documents it is given first. Until the index is done, a file it has not
   * reached is known only when opened or read by a check (a cluster reference is read directly).
   */
  startIndexing(folders: readonly string[]): void {
    for (const folder of folders) this.unindexed.push({ folder, added: 0 });
  }

  /** Is some folder not yet indexed? */
  indexing(): boolean {
    return this.unindexed.length > 0;
  }

  /** Files the index has added so far (a count that only grows). */
  filesIndexed(): number {
    return this.indexedCount;
  }

  /** Indexes on while `more()` says so (asked between files): true when every folder is indexed. */
  indexStep(more: () => boolean): boolean {
    for (;;) {
      const next = this.unindexed[0];
      if (next === undefined) return true;
      next.walk ??= this.fs.walkSpecFiles?.(next.folder) ?? wholeWalk(this.fs.findSpecFiles(next.folder));
      const walk = next.walk;
      let taken = 0;
      const takeFound = (): void => {
        for (; taken < walk.found.length; taken++) next.added += this.track(walk.found[taken] ?? '');
      };
      // Each file is tracked as soon as it is found: a slice's files are known after it.
      const done = walk.step(() => {
        takeFound();
        return more();
      });
      takeFound();
      if (!done) return false;
      this.unindexed.shift();
      this.indexedCount += next.added;
      this.onFolderIndexed?.(next.folder, next.added);
    }
  }

  /** Indexes what is left, now (for answers that need every file of the workspace). */
  finishIndexing(): void {
    this.indexStep(() => true);
  }

  /** A Berth file found on disk, tracked unless known already: 1 when added. */
  private track(path: string): number {
    if (this.files.has(path) || this.excluded.has(path)) return 0;
    const text = this.fs.readFile(path);
    if (typeof text !== 'string') return 0;
    this.files.set(path, this.newState(text, false, undefined));
    return 1;
  }

  /** Forgets a file whose analysis was stopped (mainThreadRouter.ts) and reads it no more, until it is opened. */
  exclude(path: string): void {
    this.excluded.add(path);
    this.files.delete(path);
  }

  open(path: string, text: string, version: number): void {
    this.excluded.delete(path);
    const state = this.files.get(path);
    if (state) {
      state.open = true;
      state.version = version;
      this.setText(state, text);
    } else this.files.set(path, this.newState(text, true, version));
  }

  change(path: string, text: string, version: number): void {
    const state = this.files.get(path);
    if (!state) return this.open(path, text, version);
    state.version = version;
    this.setText(state, text);
  }

  /** A closed document falls back to its text on disk (or is forgotten when it is gone). */
  close(path: string): void {
    const state = this.files.get(path);
    if (!state) return;
    state.open = false;
    state.version = undefined;
    this.refreshFromDisk(path);
  }

  /**
   * A file changed, appeared or disappeared on disk (a watch event). A new file is tracked when it
   * is a Berth file (as the index at start has it) or when a check has read (or tried to read) it.
   */
  refreshFromDisk(path: string): void {
    const state = this.files.get(path);
    if (state?.open || this.excluded.has(path)) return;
    const text = this.fs.readFile(path);
    if (typeof text !== 'string') {
      // Gone, or no longer read (a FIFO now, or above the size limit): a check that reads it says why.
      this.files.delete(path);
      return;
    }
    if (state) this.setText(state, text);
    else if (isBerthFile(path, text) || this.isRead(path)) this.files.set(path, this.newState(text, false, undefined));
  }

  /** Has some file's current check read `path` (a cluster reference, even to a missing file)? */
  private isRead(path: string): boolean {
    for (const s of this.files.values()) if (s.checked?.reads.has(path)) return true;
    return false;
  }

  /** Is `path` a file of the workspace (a Berth file, open or on disk, or one a check read)? */
  knows(path: string): boolean {
    if (this.files.has(path)) return true;
    this.finishIndexing();
    return this.files.has(path);
  }

  isOpen(path: string): boolean {
    return this.files.get(path)?.open === true;
  }

  version(path: string): number | undefined {
    return this.files.get(path)?.version;
  }

  text(path: string): string | undefined {
    const known = this.files.get(path)?.text;
    if (known !== undefined) return known;
    const text = this.fs.readFile(path);
    return typeof text === 'string' ? text : undefined;
  }

  revision(path: string): number {
    return this.files.get(path)?.revision ?? 0;
  }

  openPaths(): string[] {
    return [...this.files].filter(([, s]) => s.open).map(([p]) => p).sort();
  }

  /** Every file known: of the whole workspace (indexing what is left first), or of what is indexed `so far`. */
  knownPaths(indexed: 'all' | 'so far' = 'all'): string[] {
    if (indexed === 'all') this.finishIndexing();
    return [...this.files.keys()].sort();
  }

  /**
   * A slice, while `more()` says so, of the parse that the file's next check needs (see
   * SpecChecker.prime): true when none is left. A thread that must stay responsive
   * calls it between other work until true, then checks: the first check of a large file just
   * opened (most of a second) then no longer holds up the messages behind it.
   */
  prime(path: string, more: () => boolean): boolean {
    const state = this.files.get(path);
    if (!state || state.checked) return true;
    if (state.primer?.text !== state.text) {
      this.checker ??= createSpecChecker(undefined, this.checkerOptions);
      state.primer = { text: state.text, primer: this.checker.prime(path, state.text, this.host(new Map()), state.cache) };
    }
    return state.primer.primer.step(more);
  }

  /** Is the file's text above the size limit for placement and failover (see SizeLimits)? */
  isLarge(path: string): boolean {
    return (this.files.get(path)?.text.length ?? 0) > this.limits.maxDocumentSize;
  }

  /** The file's check (of a file of the workspace), recomputed only when its text or a file it read has changed. */
  check(path: string): CheckedFile | undefined {
    // A file the index has not reached yet is looked for in what is left of it.
    const state = this.files.get(path) ?? (this.knows(path) ? this.files.get(path) : undefined);
    if (!state) return undefined;
    const memo = state.checked;
    if (memo && [...memo.reads].every(([p, rev]) => this.revision(p) === rev)) return memo.result;
    const reads = new Map<string, number>([[path, state.revision]]);
    if (state.text.length > this.limits.maxFileSize) {
      const result = notChecked(path, state.text, this.limits.maxFileSize);
      state.checked = { result, reads };
      return result;
    }
    this.checker ??= createSpecChecker(undefined, this.checkerOptions);
    const result = this.checker.check(path, state.text, this.host(reads), state.cache);
    state.checked = { result, reads };
    delete state.primer;
    return result;
  }

  /** Files read through the host are tracked from then on; `reads` records their revisions. */
  private host(reads: Map<string, number>): SpecHost {
    return {
      readFile: (p) => {
        const known = this.files.get(p);
        if (!known && this.excluded.has(p)) {
          reads.set(p, 0);
          return { unreadable: 'was too expensive to analyse (analysis/too-expensive): it is read again once opened' };
        }
        if (!known) {
          // A cluster file outside the indexed folders: track it from now on (unless it is not read).
          const text = this.fs.readFile(p);
          if (typeof text !== 'string') {
            reads.set(p, 0);
            return text;
          }
          this.files.set(p, this.newState(text, false, undefined));
        }
        const s = this.files.get(p);
        reads.set(p, s?.revision ?? 0);
        // An open document is not read from disk, but the same limit holds for it.
        if (s && s.text.length > this.limits.maxFileSize) return { unreadable: `is ${formatBytes(s.text.length)}, above the ${formatBytes(this.limits.maxFileSize)} limit` };
        return s?.text;
      },
    };
  }

  /**
   * Every valid job in the known files that targets the cluster file `clusterPath`: of the whole
   * workspace (indexing what is left first), or of the files indexed `so far`. A file whose
   * check fails with a bug is logged and left out: it must not break the plan of every other job.
   */
  jobsTargeting(clusterPath: string, indexed: 'all' | 'so far' = 'all'): { path: string; job: CheckedJob }[] {
    const out: { path: string; job: CheckedJob }[] = [];
    const name = clusterPath.slice(Math.max(clusterPath.lastIndexOf('/'), clusterPath.lastIndexOf('\\')) + 1);
    for (const path of this.knownPaths(indexed)) {
      if (path !== clusterPath && !mayReference(this.files.get(path)?.text ?? '', name)) continue;
      const checked = guarded(this.log, `checking ${path}`, undefined, () => this.check(path));
      for (const job of checked?.jobs ?? []) if (job.cluster?.path === clusterPath) out.push({ path, job });
    }
    return out;
  }

  private setText(state: FileState, text: string): void {
    if (state.text === text) return;
    state.text = text;
    state.revision = this.nextRevision++;
    delete state.checked;
  }

  private newState(text: string, open: boolean, version: number | undefined): FileState {
    return { text, revision: this.nextRevision++, cache: createParseCache(), open, version };
  }
}

/** A walk already done: the files a folder's findSpecFiles found. */
function wholeWalk(found: readonly string[]): SpecFileWalk {
  return { found, step: () => true };
}

/**
 * Can a file with this text hold a job whose cluster reference resolves to a file named `name`?
 * A reference to another file is a path, resolved segment by segment, so its text ends with the
 * file's name, unless a double-quoted escape spells it (then the text holds a backslash). Files
 * that cannot are not checked when planning that cluster: in a workspace of many Berth files, the
 * first plan then checks the few that name the cluster, not all of them.
 */
function mayReference(text: string, name: string): boolean {
  return text.includes(name) || text.includes('\\');
}

/** The check of a document above `berth.maxFileSize`: one problem at its start, nothing parsed. */
function notChecked(path: string, text: string, limit: number): CheckedFile {
  const problem = {
    code: 'spec/too-large',
    severity: 'warning',
    message: `this document is ${formatBytes(text.length)}, above the ${formatBytes(limit)} limit (berth.maxFileSize): it is not checked (syntax, schema, placement and failover skipped)`,
    span: { start: 0, end: Math.min(text.length, 1) },
  } as const;
  return { path, file: { text, documents: [], problems: [problem] }, problems: [problem], clusters: [], jobs: [] };
}
