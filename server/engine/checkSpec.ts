/**
 * The spec layer's composition: parse → schema → model (units) → rules, per document, and the
 * cluster reference resolved (a Cluster document of the same file, or a relative path read
 * through the injected host). Pure: the host is the only way out.
 */
import type { ClusterSpec, JobSpec, Problem } from './model';
import { createParseCache, parseSpec, primeParse, type ParseCache, type Primer } from './spec/parseSpec';
import { isRecord, type DocumentKind, type SpecDocument, type SpecFile } from './spec/specDocument';
import { looksLikePath, resolveRelative } from './util/paths';
import { plannableJob, type Plannable } from './analysis/plannable';
import { RULES, type JobCheck, type Rule } from './rules';
import { kindFromPath } from './spec/specKinds';
import { closest, didYouMean } from './util/didYouMean';
import { createItemStages, type ItemStages } from './spec/itemChecks';
import { createSchemaValidator, type SchemaValidator } from './spec/validateSchema';

export interface SpecHost {
  /**
   * The text of a file; undefined when there is no such file; `{ unreadable }` when there is one
   * but it is not read (a FIFO, a device, a directory, a file above the size limit), saying why.
   */
  readFile(path: string): string | UnreadableFile | undefined;
}

/** A file that is there but is not read, and why: "is a FIFO, not a regular file", "is 20 MiB, above the 16 MiB limit". */
export interface UnreadableFile {
  readonly unreadable: string;
}

export interface CheckedCluster {
  readonly doc: SpecDocument;
  readonly spec: ClusterSpec;
  /** No error-severity problem in this document. */
  readonly ok: boolean;
}

export interface ClusterSource {
  /** The file that holds the cluster (the job's own file for an in-file reference). */
  readonly path: string;
  readonly spec: ClusterSpec;
  readonly ok: boolean;
}

export interface CheckedJob {
  readonly doc: SpecDocument;
  readonly spec: JobSpec;
  readonly ok: boolean;
  readonly cluster: ClusterSource | undefined;
  /** What of it the allocator plans (plannable.ts): the one rule of the language server and `berth plan`. */
  readonly plannable: Plannable;
}

export interface CheckedFile {
  readonly path: string;
  readonly file: SpecFile;
  /** Every problem of the file, sorted by position. */
  readonly problems: readonly Problem[];
  readonly clusters: readonly CheckedCluster[];
  readonly jobs: readonly CheckedJob[];
}

export interface SpecChecker {
  /** Checks one file; `cache` (one per file) makes re-checking an edited large file cheap. */
  check(path: string, text: string, host: SpecHost, cache?: ParseCache): CheckedFile;
  /**
   * The parse of that check ahead of it, in slices (see primeParse): the file's list items, then
   * those of the cluster files its jobs name. Once the primer is done, the check parses no item.
   */
  prime(path: string, text: string, host: SpecHost, cache: ParseCache): Primer;
}

export { isBerthFile, kindFromPath } from './spec/specKinds';

/** `schema`: share one compiled validator between checkers (compiling costs about 60 ms). */
export interface CheckerOptions {
  /**
   * `false`: skip the semantic rules (their problems, and their say in `ok` and `plannable`): for a caller that
   * reads only the documents and models, such as completion, which runs on every keystroke.
   */
  readonly rules?: boolean;
}

export function createSpecChecker(schema: SchemaValidator = createSchemaValidator(), options: CheckerOptions = {}): SpecChecker {
  const rules = options.rules === false ? [] : RULES;
  const stages = createItemStages(schema);
  /** Referenced cluster files by path, reused while their text is unchanged. */
  const clusterFiles = new Map<string, { text: string; clusters: CheckedCluster[]; cache: ParseCache }>();
  /**
   * The rules' job checks per file (by its parse cache) and job document, kept between checks:
   * a check reuses what it derived from inputs that an edit left equal (see JobCheck).
   */
  const jobChecks = new WeakMap<ParseCache, (JobCheck | undefined)[][]>();
  const jobChecksOf = (cache: ParseCache | undefined, job: number): (JobCheck | undefined)[] => {
    const perFile = cache ? (jobChecks.get(cache) ?? []) : [];
    if (cache && !jobChecks.has(cache)) jobChecks.set(cache, perFile);
    return (perFile[job] ??= rules.map((rule) => rule.createJobCheck?.()));
  };

  /** Parse caches that prime filled for cluster files not checked yet. */
  const primedClusters = new Map<string, ParseCache>();
  const clusterCache = (path: string): ParseCache => {
    let cache = clusterFiles.get(path)?.cache ?? primedClusters.get(path);
    if (cache) return cache;
    if (primedClusters.size >= 64) primedClusters.clear();
    primedClusters.set(path, (cache = createParseCache()));
    return cache;
  };

  const checkClusterFile = (path: string, text: string): CheckedCluster[] => {
    const cached = clusterFiles.get(path);
    if (cached && cached.text === text) return cached.clusters;
    const cache = clusterCache(path);
    primedClusters.delete(path);
    const parsed = parseSpec(text, cache);
    const clusters = parsed.documents.flatMap((doc) => {
      const k = kindOf(doc, path);
      return k === 'Cluster' ? [checkCluster(doc, stages, rules).checked] : [];
    });
    if (clusterFiles.size > 64) clusterFiles.clear();
    clusterFiles.set(path, { text, clusters, cache });
    return clusters;
  };

  /** The cluster files that the jobs of `file` name by path and that are not checked at their text, each with its parse's primer. */
  const namedClusters = (path: string, file: SpecFile, host: SpecHost): { path: string; text: string; primer: Primer }[] => {
    const out: { path: string; text: string; primer: Primer }[] = [];
    for (const doc of file.documents) {
      const ref = kindOf(doc, path) === 'Job' && isRecord(doc.value) ? doc.value['cluster'] : undefined;
      if (typeof ref !== 'string' || !looksLikePath(ref)) continue;
      const target = resolveRelative(path, ref);
      const text = host.readFile(target);
      if (typeof text !== 'string' || clusterFiles.get(target)?.text === text || out.some((c) => c.path === target)) continue;
      out.push({ path: target, text, primer: primeParse(text, clusterCache(target)) });
    }
    return out;
  };

  return {
    prime(path, text, host, cache) {
      const own = primeParse(text, cache);
      let file: SpecFile | undefined;
      let clusters: { path: string; text: string; primer: Primer }[] | undefined;
      // Then the documents' list items, validated and modelled (itemChecks.ts).
      let lists: { doc: SpecDocument; kind: DocumentKind; next: number }[] | undefined;
      return {
        step(more) {
          if (!own.step(more)) return false;
          file ??= parseSpec(text, cache);
          clusters ??= namedClusters(path, file, host);
          if (!clusters.every((c) => c.primer.step(more))) return false;
          if (!lists) {
            lists = [];
            for (const doc of file.documents) {
              const kind = kindOf(doc, path);
              if (kind) lists.push({ doc, kind, next: 0 });
            }
            for (const c of clusters) {
              for (const doc of parseSpec(c.text, clusterCache(c.path)).documents) if (kindOf(doc, c.path) === 'Cluster') lists.push({ doc, kind: 'Cluster', next: 0 });
            }
          }
          for (const list of lists) {
            const { next, done } = stages.prime(list.doc, list.kind, list.next, more);
            list.next = next;
            if (!done) return false;
          }
          return true;
        },
      };
    },
    check(path, text, host, cache) {
      const file = parseSpec(text, cache);
      const problems: Problem[] = [...file.problems];
      const clusters: CheckedCluster[] = [];
      const jobDocs: { doc: SpecDocument; spec: JobSpec; stages: (readonly Problem[])[] }[] = [];
      for (const doc of file.documents) {
        const kind = kindOf(doc, path);
        if (kind === undefined) {
          problems.push(unknownKind(doc));
          continue;
        }
        if (kind === 'Cluster') {
          const { checked, problems: ps } = checkCluster(doc, stages, rules);
          clusters.push(checked);
          if (parses(doc)) append(problems, ps);
        } else {
          const ps = stages.schema(doc, 'Job');
          const built = stages.job(doc);
          jobDocs.push({ doc, spec: built.spec, stages: [ps, built.problems] });
        }
      }
      const jobs: CheckedJob[] = jobDocs.map(({ doc, spec, stages }, j) => {
        const resolved = resolveCluster(spec, path, clusters, host, checkClusterFile);
        const cluster = resolved.source?.ok ? resolved.source.spec : undefined;
        const ruled: Problem[] = resolved.problem ? [resolved.problem] : [];
        for (const check of jobChecksOf(cache, j)) if (check) append(ruled, check({ job: spec, cluster }));
        const ps = firstPerSpan(...stages, ruled);
        if (parses(doc)) append(problems, ps);
        return { doc, spec, ok: !ps.some(isError) && !doc.problems.some(isError), cluster: resolved.source, plannable: plannableJob(spec, ps, doc, resolved.source) };
      });
      problems.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
      return { path, file, problems, clusters, jobs };
    },
  };
}

/**
 * One error per place: when a later stage (schema, then quantities, then rules) finds an error at a
 * span where an earlier stage already did, the user sees only the earlier one, which names the
 * mistake most directly. Errors of the same stage all stay.
 */
function firstPerSpan(...stages: readonly (readonly Problem[])[]): Problem[] {
  const taken = new Set<string>();
  const out: Problem[] = [];
  for (const stage of stages) {
    const spans: string[] = [];
    for (const p of stage) {
      const key = `${p.span.start}:${p.span.end}`;
      if (isError(p) && taken.has(key)) continue;
      out.push(p);
      if (isError(p)) spans.push(key);
    }
    for (const key of spans) taken.add(key);
  }
  return out;
}

/**
 * A document with YAML syntax errors has no reliable structure: its syntax errors are all the user
 * sees of it. It is still modelled (completion and navigation work while the user types), never planned.
 */
function parses(doc: SpecDocument): boolean {
  return !doc.problems.some(isError);
}

export function isError(p: Problem): boolean {
  return p.severity === 'error';
}

function kindOf(doc: SpecDocument, path: string): DocumentKind | undefined {
  if (doc.kind) return doc.kind;
  const v = isRecord(doc.value) ? doc.value['kind'] : undefined;
  return v === undefined ? kindFromPath(path) : undefined;
}

function unknownKind(doc: SpecDocument): Problem {
  const v = isRecord(doc.value) ? doc.value['kind'] : undefined;
  const info = doc.nodes.get('/kind');
  if (v === undefined) {
    return { code: 'spec/unknown-kind', severity: 'error', message: 'missing "kind": say `kind: Job` or `kind: Cluster` (or name the file *.job.yaml or *.cluster.yaml)', span: { start: doc.span.start, end: doc.span.start } };
  }
  const candidates = typeof v === 'string' ? closest(v, ['Job', 'Cluster']) : [];
  const span = info?.span ?? doc.span;
  return {
    code: 'spec/unknown-kind',
    severity: 'error',
    message: `kind must be Job or Cluster, not ${JSON.stringify(v)}${didYouMean(candidates)}`,
    span,
    ...(candidates.length > 0 ? { data: { kind: 'did-you-mean' as const, span, candidates } } : {}),
  };
}

function checkCluster(doc: SpecDocument, stages: ItemStages, rules: readonly Rule[]): { checked: CheckedCluster; problems: Problem[] } {
  const built = stages.cluster(doc);
  const ruled: Problem[] = [];
  for (const rule of rules) if (rule.checkCluster) append(ruled, rule.checkCluster({ cluster: built.spec }));
  const problems = firstPerSpan(stages.schema(doc, 'Cluster'), built.problems, ruled);
  const ok = !problems.some(isError) && !doc.problems.some(isError);
  return { checked: { doc, spec: built.spec, ok }, problems };
}

function resolveCluster(
  job: JobSpec,
  path: string,
  inFile: readonly CheckedCluster[],
  host: SpecHost,
  checkClusterFile: (path: string, text: string) => CheckedCluster[],
): { source?: ClusterSource; problem?: Problem } {
  const ref = job.cluster.name;
  if (ref === '') return {}; // the schema reports the missing or empty field
  const span = job.cluster.span;
  const local = inFile.find((c) => c.spec.name === ref);
  if (local) return { source: { path, spec: local.spec, ok: local.ok } };
  if (!looksLikePath(ref)) {
    const candidates = closest(ref, inFile.map((c) => c.spec.name));
    return {
      problem: {
        code: 'spec/unknown-cluster',
        severity: 'error',
        message: `no Cluster document named "${ref}" in this file${didYouMean(candidates)}; to use a file, give its path (./${ref}.cluster.yaml)`,
        span,
      },
    };
  }
  const target = resolveRelative(path, ref);
  const text = host.readFile(target);
  if (text === undefined) {
    return { problem: { code: 'spec/unknown-cluster', severity: 'error', message: `cannot read the cluster file ${ref} (${target})`, span } };
  }
  if (typeof text !== 'string') {
    return { problem: { code: 'spec/cluster-unreadable', severity: 'error', message: `the cluster file ${ref} is not read: it ${text.unreadable}`, span } };
  }
  const clusters = checkClusterFile(target, text);
  const first = clusters[0];
  if (!first) return { problem: { code: 'spec/unknown-cluster', severity: 'error', message: `${ref} holds no Cluster document`, span } };
  if (!first.ok) {
    return {
      source: { path: target, spec: first.spec, ok: false },
      problem: { code: 'spec/cluster-invalid', severity: 'error', message: `the cluster file ${ref} has errors; fix them first (berth check ${ref})`, span },
    };
  }
  return { source: { path: target, spec: first.spec, ok: true } };
}

/** `into.push(...items)` without passing every item as an argument (a job's problems may outnumber the stack). */
function append<T>(into: T[], items: readonly T[]): void {
  for (const item of items) into.push(item);
}
