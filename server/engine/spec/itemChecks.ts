/**
 * The per-document stages of a check (schema problems, the model) for a document whose list
 * (`tasks:` of a Job, `nodes:` of a Cluster) was parsed in chunks, memoised per item on the
 * chunk's identity: the parse cache hands back the same chunk while an item's text is unchanged,
 * so after an edit only the edited items are validated and modelled again. An item that only
 * moved (an edit above it changed the text's length) has its model shifted, not rebuilt.
 * Documents parsed whole go through the plain stages. Both give the same result.
 *
 * In front of the memos, each stage keeps what it gave for the last few lists, by position
 * (`Aligned`): an item with the same chunk at the same place as in one of them gives the same
 * result, read from arrays. An edit changes one item of thousands, and looking up every item's
 * memo (scattered in the heap) cost more than the rest of the check's walk over the list.
 */
import type { ClusterNode, ClusterSpec, JobSpec, Problem, TaskSpec } from '../model';
import { chunkDocument, listItemsOf, type ListItem } from './parseSpec';
import { isRecord, type DocumentKind, type ParsedChunk, type SpecDocument } from './specDocument';
import { shiftBuilt, shiftNode, shiftTask } from './movedSpecs';
import { toCluster, toItemModel, toJob, type Built, type ItemAt } from './toModel';
import { LIST_KEY, type SchemaValidator } from './validateSchema';

export interface ItemStages {
  schema(doc: SpecDocument, kind: DocumentKind): Problem[];
  job(doc: SpecDocument): Built<JobSpec>;
  cluster(doc: SpecDocument): Built<ClusterSpec>;
  /**
   * Validates and models the list items of `doc` from item `from` on, while `more()` says so,
   * ahead of the check that will ask for them: `next`, the first item left, and whether none is.
   * Only what the memos keep is done: an item's validity, its model.
   */
  prime(doc: SpecDocument, kind: DocumentKind, from: number, more: () => boolean): { next: number; done: boolean };
}

interface ItemMemo<T> {
  /** The item passed schema validation (validity depends on the item's value alone). */
  valid?: boolean;
  /** The model with spans relative to the item's text. */
  relative?: Built<T>;
  /** The model at the item's last position. */
  placed?: { readonly base: number; readonly built: Built<T> };
}

/** A stage's results for one list, by position (see the top of the file). Updated in place by the next list it serves. */
interface Aligned {
  readonly chunks: ParsedChunk[];
}

/** The schema stage's: 1 where the item passed validation. */
interface AlignedValidity extends Aligned {
  readonly valid: Uint8Array;
}

/** The model stage's: each item's place, model (undefined: not a mapping) and problems. */
interface AlignedModels<T> extends Aligned {
  readonly bases: Float64Array;
  readonly models: (T | undefined)[];
  readonly problems: (readonly Problem[])[];
}

const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

/** Lists kept per stage and kind: one per document being edited, a few open at once (each holds its chunks until pushed out). */
const KEPT_LISTS = 4;

/**
 * The kept list that `items` most likely continues (the same length, and the same first or last
 * chunk), else a new one (no chunk yet: nothing is found in it) in place of the least recent.
 * Either way each item is still compared by chunk: the choice only decides how much is found.
 */
function alignedFor<A extends Aligned>(kept: A[], items: readonly ListItem[], make: (n: number) => A): A {
  const n = items.length;
  const at = kept.findIndex((a) => a.chunks.length === n && n > 0 && (a.chunks[0] === items[0].chunk || a.chunks[n - 1] === items[n - 1].chunk));
  const aligned = at >= 0 ? kept.splice(at, 1)[0] : make(n);
  kept.unshift(aligned);
  if (kept.length > KEPT_LISTS) kept.pop();
  return aligned;
}

/** One per checker: the memos live as long as the parse caches hold their chunks. */
export function createItemStages(validator: SchemaValidator): ItemStages {
  const memos: Record<DocumentKind, WeakMap<ParsedChunk, ItemMemo<unknown>>> = { Job: new WeakMap(), Cluster: new WeakMap() };
  const memoOf = <T>(kind: DocumentKind, chunk: ParsedChunk): ItemMemo<T> => {
    let memo = memos[kind].get(chunk);
    if (!memo) memos[kind].set(chunk, (memo = {}));
    return memo as ItemMemo<T>;
  };
  const listOf = (doc: SpecDocument, kind: DocumentKind): readonly ListItem[] | undefined => {
    const list = listItemsOf(doc);
    return list?.key === LIST_KEY[kind] ? list.items : undefined;
  };
  const keptSchema: Record<DocumentKind, AlignedValidity[]> = { Job: [], Cluster: [] };
  const keptModels: { Job: AlignedModels<TaskSpec>[]; Cluster: AlignedModels<ClusterNode>[] } = { Job: [], Cluster: [] };
  const itemModel = <T>(kind: DocumentKind, item: ListItem | undefined, shift: (spec: T, by: number) => T): Built<T> => {
    if (!item) throw new Error('a list item without its chunk');
    const memo = memoOf<T>(kind, item.chunk);
    if (memo.placed?.base === item.base) return memo.placed.built;
    const relative = (memo.relative ??= toItemModel(chunkDocument(item.chunk), kind as never) as Built<T> | undefined);
    if (!relative) throw new Error('a list item modelled that is not a mapping');
    memo.placed = { base: item.base, built: shiftBuilt(relative, item.base, shift) };
    return memo.placed.built;
  };
  /** List item i's model through the kept list, else the memo (and kept for the next list). */
  const modelsOf = <T>(kind: DocumentKind, items: readonly ListItem[], kept: AlignedModels<T>[], shift: (spec: T, by: number) => T): ItemAt<T> => {
    const aligned = alignedFor(kept, items, (n) => ({ chunks: new Array<ParsedChunk>(n), bases: new Float64Array(n), models: new Array<T | undefined>(n), problems: new Array<readonly Problem[]>(n) }));
    return (i, problems) => {
      const { chunk, base } = items[i];
      let model: T | undefined;
      let ps: readonly Problem[];
      if (aligned.chunks[i] === chunk && aligned.bases[i] === base) {
        model = aligned.models[i];
        ps = aligned.problems[i];
      } else {
        const built = isRecord(chunk.value) ? itemModel<T>(kind, items[i], shift) : undefined;
        model = built?.spec;
        ps = built?.problems ?? NO_PROBLEMS;
        aligned.chunks[i] = chunk;
        aligned.bases[i] = base;
        aligned.models[i] = model;
        aligned.problems[i] = ps;
      }
      for (let p = 0; p < ps.length; p++) problems.push(ps[p]);
      return model;
    };
  };
  return {
    schema(doc, kind) {
      const items = listOf(doc, kind);
      if (!items) return validator.validate(doc, kind);
      const out = validator.validateRoot(doc, kind);
      const aligned = alignedFor(keptSchema[kind], items, (n) => ({ chunks: new Array<ParsedChunk>(n), valid: new Uint8Array(n) }));
      for (let i = 0; i < items.length; i++) {
        const chunk = items[i].chunk;
        if (aligned.chunks[i] === chunk && aligned.valid[i] === 1) continue;
        const memo = memoOf(kind, chunk);
        if (memo.valid !== true) {
          const ps = validator.validateItem(doc, kind, i);
          memo.valid = ps.length === 0;
          for (const p of ps) out.push(p);
        }
        aligned.chunks[i] = chunk;
        aligned.valid[i] = memo.valid ? 1 : 0;
      }
      return out;
    },
    job(doc) {
      const items = listOf(doc, 'Job');
      return items ? toJob(doc, modelsOf('Job', items, keptModels.Job, shiftTask)) : toJob(doc);
    },
    cluster(doc) {
      const items = listOf(doc, 'Cluster');
      return items ? toCluster(doc, modelsOf('Cluster', items, keptModels.Cluster, shiftNode)) : toCluster(doc);
    },
    prime(doc, kind, from, more) {
      const items = listOf(doc, kind) ?? [];
      let i = from;
      for (; i < items.length && more(); i++) {
        const item = items[i];
        const memo = memoOf(kind, item.chunk);
        memo.valid ??= validator.validateItem(doc, kind, i).length === 0;
        // The model of a mapping only, as job() and cluster() ask.
        if (!isRecord(item.chunk.value)) continue;
        if (kind === 'Job') itemModel<TaskSpec>(kind, item, shiftTask);
        else itemModel<ClusterNode>(kind, item, shiftNode);
      }
      return { next: i, done: i >= items.length };
    },
  };
}
