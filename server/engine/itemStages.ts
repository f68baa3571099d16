/**
 * The per-document stages of a check (schema problems, the model) for a document whose list
 * (`tasks:` of a Job, `nodes:` of a Cluster) was parsed in chunks, memoised per item on the
 * chunk's identity: the parse cache hands back the same chunk while an item's text is unchanged,
 * so after an edit only the edited items are validated and modelled again. An item that only
 * moved (an edit above it changed the text's length) has its model shifted, not rebuilt.
 * Documents parsed whole go through the plain stages. Both give the same result.
 */
import type { ClusterNode, ClusterSpec, JobSpec, Problem, TaskSpec } from './model';
import { chunkDocument, isRecord, listItemsOf, type DocumentKind, type ListItem, type ParsedChunk, type SpecDocument } from './parseSpec';
import { shiftBuilt, shiftNode, shiftTask, toCluster, toItemModel, toJob, type Built } from './toModel';
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
  const itemModel = <T>(kind: DocumentKind, item: ListItem | undefined, shift: (spec: T, by: number) => T): Built<T> => {
    if (!item) throw new Error('a list item without its chunk');
    const memo = memoOf<T>(kind, item.chunk);
    if (memo.placed?.base === item.base) return memo.placed.built;
    const relative = (memo.relative ??= toItemModel(chunkDocument(item.chunk), kind as never) as Built<T> | undefined);
    if (!relative) throw new Error('a list item modelled that is not a mapping');
    memo.placed = { base: item.base, built: shiftBuilt(relative, item.base, shift) };
    return memo.placed.built;
  };
  return {
    schema(doc, kind) {
      const items = listOf(doc, kind);
      if (!items) return validator.validate(doc, kind);
      const out = validator.validateRoot(doc, kind);
      items.forEach((item, i) => {
        const memo = memoOf(kind, item.chunk);
        if (memo.valid === true) return;
        const ps = validator.validateItem(doc, kind, i);
        memo.valid = ps.length === 0;
        for (const p of ps) out.push(p);
      });
      return out;
    },
    job(doc) {
      const items = listOf(doc, 'Job');
      return items ? toJob(doc, (i) => itemModel<TaskSpec>('Job', items[i], shiftTask)) : toJob(doc);
    },
    cluster(doc) {
      const items = listOf(doc, 'Cluster');
      return items ? toCluster(doc, (i) => itemModel<ClusterNode>('Cluster', items[i], shiftNode)) : toCluster(doc);
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
