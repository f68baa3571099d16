/**
 * Completion: keys from the schema (with snippets, only those not yet present, required first),
 * enum values, constraint operators, attribute names and values that the cluster's nodes define,
 * node names for `hostname`, task names in `dependsOn`, cluster files for `cluster:`, quantities.
 * Fast by construction: the cursor's context comes from the text (`slotAt`), names from the spec
 * check (`workspace.check`), never from a plan.
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList, type CompletionParams, type ServerCapabilities } from 'vscode-languageserver';
import { kindFromPath, type CheckedFile } from '../../engine/checkSpec';
import { attributeOf, CONSTRAINT_OPERATORS, type ClusterSpec, type Resources } from '../../engine/model';
import { isRecord, type DocumentKind, type SpecDocument } from '../../engine/spec/specDocument';
import { dirname } from '../../engine/util/paths';
import { formatCpus, formatMemory } from '../../engine/spec/units';
import { toOffset, toRange, uriToPath } from '../convert';
import { guarded } from '../guard';
import { documentAt } from '../locate';
import { slotAt, type Slot } from '../completionSlot';
import { infoOf, isObjectSchema, operatorDoc, schemaAt, schemaMarkdown, typeSummary, yamlText, type JsonSchema } from '../schemaInfo';
import type { FeatureContext } from './context';

export const TRIGGER_CHARACTERS = [':', ' ', '[', ',', '-', '"'];

export function registerCompletion(ctx: FeatureContext): ServerCapabilities {
  ctx.connection.onCompletion((params): CompletionList | null => guarded(ctx.log, 'completion', null, () => completeAt(ctx, params)));
  return { completionProvider: { triggerCharacters: TRIGGER_CHARACTERS, resolveProvider: false } };
}

/** What a value or key completion needs to know besides the slot. */
interface Scope {
  readonly kind: DocumentKind | undefined;
  readonly path: string;
  readonly checked: CheckedFile;
  readonly doc: SpecDocument | undefined;
  /** The cluster the job targets, or the cluster document itself. */
  readonly cluster: ClusterSpec | undefined;
  /** Cluster files the workspace knows (`*.cluster.yaml`). */
  readonly clusterFiles: () => readonly string[];
}

type ValueSlot = Extract<Slot, { kind: 'value' }>;
/**
 * `describe`: the detail, made only for the items sent (a list of 5,000 task names is cut to 200
 * first, and formatting each one's resources cost more than the rest of the answer).
 */
type Item = Omit<CompletionItem, 'textEdit'> & { newText?: string; describe?: () => string };

/**
 * A list too long to make every item of (a job's task names, a cluster's node names): its labels,
 * and item i, made only for the items sent (5,000 items and closures per keystroke showed in the
 * thread's garbage).
 */
interface LongList {
  readonly labels: readonly string[];
  item(i: number): Item;
}
type Items = Item[] | LongList;

/** What completion reads: documents and the spec check, never an analysis (see mainThreadRouter.ts). */
export type CompletionContext = Pick<FeatureContext, 'workspace' | 'positions' | 'documents'>;

export function completeAt(ctx: CompletionContext, params: CompletionParams): CompletionList | null {
  const path = uriToPath(params.textDocument.uri);
  const text = ctx.documents.get(params.textDocument.uri)?.getText() ?? ctx.workspace.text(path);
  if (text === undefined || !ctx.workspace.knows(path)) return null;
  const index = ctx.positions.index(path, text);
  const offset = toOffset(index, params.position);
  const slot = slotAt(text, offset);
  if (slot.kind === 'none') return null;
  // The spec check only when an item needs it (names, attributes, the cluster): keys come from the
  // schema and the text, so a key typed in a large file does not wait for a re-check of it.
  let checkedScope: Pick<Scope, 'checked' | 'doc'> | undefined;
  const check = (): Pick<Scope, 'checked' | 'doc'> => {
    if (checkedScope) return checkedScope;
    const checked = ctx.workspace.check(path) as CheckedFile;
    const doc = checked.file.text === text ? documentAt(checked.file.documents, offset) : undefined;
    return (checkedScope = { checked, doc });
  };
  const kind = kindInText(text, offset) ?? check().doc?.kind ?? kindFromPath(path);
  const clusterOf = (): ClusterSpec | undefined => {
    const { checked, doc } = check();
    return kind === 'Cluster' ? checked.clusters.find((c) => c.doc === doc)?.spec : (checked.jobs.find((j) => j.doc === doc) ?? checked.jobs[0])?.cluster?.spec;
  };
  const scope: Scope = {
    kind,
    path,
    get checked() {
      return check().checked;
    },
    get doc() {
      return check().doc;
    },
    get cluster() {
      return clusterOf();
    },
    clusterFiles: () => ctx.workspace.knownPaths().filter((p) => kindFromPath(p) === 'Cluster'),
  };
  const { items, isIncomplete } = capped(slot.kind === 'key' ? keyItems(scope, slot) : valueItems(scope, slot), slot.prefix);
  const range = toRange(index, slot.range);
  // After `key:`, `,` or `-` with no space yet, a value needs one in front.
  const before = text[slot.range.start - 1];
  const pad = slot.range.start === offset && (before === ':' || before === ',' || (before === '-' && slot.kind === 'key')) ? ' ' : '';
  return {
    isIncomplete,
    items: items.map(({ newText, describe, ...item }) => ({
      ...item,
      ...(describe === undefined ? {} : { detail: describe() }),
      filterText: item.filterText ?? item.label,
      textEdit: { range, newText: pad + (newText ?? item.label) },
    })),
  };
}

/**
 * Value lists longer than this (a job's task names, a cluster's node names) carry each item's own
 * detail but not the field's description: the same paragraph on 200 items doubled the answer.
 */
const DOCUMENTED_ITEMS = 20;

/** Items per answer: task names of a 5,000-task job or node names of a 1,000-node cluster are more. */
export const MAX_ITEMS = 200;

/**
 * At most MAX_ITEMS items, those matching what is typed so far first (the editor filters further).
 * A cut list is marked incomplete, so that the editor asks again as the user types on.
 */
function capped(list: Items, prefix: string): { items: Item[]; isIncomplete: boolean } {
  const p = prefix.toLowerCase();
  if (Array.isArray(list)) {
    if (list.length <= MAX_ITEMS) return { items: list, isIncomplete: false };
    const matching = p === '' ? list : list.filter((i) => (i.filterText ?? i.label).toLowerCase().includes(p));
    return { items: matching.slice(0, MAX_ITEMS), isIncomplete: true };
  }
  const { labels } = list;
  // A short list whole (the editor filters it as the user types on), as above.
  const whole = labels.length <= MAX_ITEMS;
  const items: Item[] = [];
  for (let i = 0; i < labels.length && items.length < MAX_ITEMS; i++) if (whole || p === '' || labels[i].toLowerCase().includes(p)) items.push(list.item(i));
  return { items, isIncomplete: !whole };
}

/** The kind a document says in its text (`kind: Job`), for documents that do not parse yet. */
function kindInText(text: string, offset: number): DocumentKind | undefined {
  const before = text.lastIndexOf('\n---', offset);
  const after = text.indexOf('\n---', offset);
  const m = /^kind:\s*["']?(Job|Cluster)\b/m.exec(text.slice(before < 0 ? 0 : before, after < 0 ? text.length : after));
  return m?.[1] as DocumentKind | undefined;
}

// ---------------------------------------------------------------------------------------------
// Keys

function keyItems(scope: Scope, slot: Extract<Slot, { kind: 'key' }>): Items {
  if (!scope.kind) return slot.path.length === 0 ? rootKeysUnknownKind(slot.present) : [];
  const schema = schemaAt(scope.kind, slot.path);
  if (!schema) return [];
  if (!isObjectSchema(schema)) {
    // `- word` in a list of scalars: a value, not a key.
    if (typeof slot.path[slot.path.length - 1] !== 'number') return [];
    return valueItems(scope, { kind: 'value', path: slot.path, prefix: slot.prefix, range: slot.range, entries: slot.entries, flow: slot.flow, quoted: false });
  }
  if (!schema.properties) return freeKeys(scope, slot);
  const info = infoOf(schema);
  const items: Item[] = [];
  info.properties.forEach((name, i) => {
    if (slot.present.includes(name)) return;
    const prop = infoOf(schema.properties?.[name] ?? {});
    const required = info.required.includes(name);
    items.push({
      label: name,
      kind: CompletionItemKind.Property,
      detail: `${typeSummary(prop)}${required ? ' · required' : ''}${prop.hasDefault ? ` · default ${yamlText(prop.default)}` : ''}`,
      documentation: { kind: 'markdown', value: schemaMarkdown(name, prop) },
      sortText: `${required ? 0 : 1}${String(i).padStart(3, '0')}`,
      insertTextFormat: InsertTextFormat.Snippet,
      newText: slot.colonAfter ? name : keySnippet(name, prop.schema, slot.flow),
    });
  });
  return items;
}

function rootKeysUnknownKind(present: readonly string[]): Item[] {
  const items: Item[] = [];
  if (!present.includes('apiVersion')) items.push({ label: 'apiVersion', kind: CompletionItemKind.Property, detail: 'berth/v1', newText: 'apiVersion: berth/v1' });
  if (!present.includes('kind')) items.push({ label: 'kind', kind: CompletionItemKind.Property, detail: 'Job | Cluster', insertTextFormat: InsertTextFormat.Snippet, newText: 'kind: ${1|Job,Cluster|}' });
  return items;
}

/** Keys of free-form mappings: node attributes that other nodes define. */
function freeKeys(scope: Scope, slot: Extract<Slot, { kind: 'key' }>): Item[] {
  if (scope.kind !== 'Cluster' || slot.path[0] !== 'nodes' || slot.path[2] !== 'attributes' || !scope.cluster) return [];
  return attributeNames(scope.cluster, false)
    .filter((a) => !slot.present.includes(a.label))
    .map((a) => ({ ...a, newText: slot.colonAfter ? a.label : `${a.label}: $1`, insertTextFormat: InsertTextFormat.Snippet }));
}

/** `resources: { cpus: $1, mem: $2 }`, `restart: ${1|on-failure,never,always|}`, `tasks:\n  - name: $1 ...`. */
export function keySnippet(name: string, schema: JsonSchema, flow: boolean): string {
  const n = { next: 1 };
  const value = valueSnippet(schema, n, flow ? 'flow' : 'block');
  return value.startsWith('\n') ? `${name}:${value}` : `${name}: ${value}`;
}

function valueSnippet(schema: JsonSchema, n: { next: number }, style: 'flow' | 'block' | 'item'): string {
  const info = infoOf(schema);
  const tab = (text?: string): string => (text === undefined ? `$${n.next++}` : `\${${n.next++}:${text}}`);
  if (info.values?.length === 1) return yamlText(info.values[0]);
  if (info.values) {
    const ordered = info.hasDefault ? [info.default, ...info.values.filter((v) => v !== info.default)] : info.values;
    return `\${${n.next++}|${ordered.map(yamlText).join(',')}|}`;
  }
  if (info.types.includes('boolean')) return `\${${n.next++}|${info.default === true ? 'true,false' : 'false,true'}|}`;
  const first = info.types[0];
  if (first === 'object' || schema.properties) {
    const withDefault = info.properties.filter((p) => schema.properties?.[p]?.default !== undefined).slice(0, 1);
    const props = info.required.length > 0 ? info.required : withDefault.length > 0 ? withDefault : info.properties.length === 1 ? info.properties : [];
    if (props.length === 0) return `{ ${tab()} }`;
    const entries = props.map((p) => `${p}: ${valueSnippet(schema.properties?.[p] ?? {}, n, 'flow')}`);
    if (style === 'item') return entries.join('\n  ');
    return `{ ${entries.join(', ')} }`;
  }
  if (first === 'array') {
    const items = Array.isArray(schema.items) ? undefined : (schema.items as JsonSchema | undefined);
    if (items && (items.properties || items.type === 'object')) {
      if (style === 'block') return `\n  - ${valueSnippet(items, n, 'item').replace(/\n {2}/g, '\n    ')}`;
      return `[${valueSnippet(items, n, 'flow')}]`;
    }
    if (items && (items.type === 'array' || Array.isArray(items.items))) return `[[${tab()}, ${tab()}]]`;
    return `[${tab()}]`;
  }
  if (info.hasDefault) return tab(yamlText(info.default));
  return tab();
}

// ---------------------------------------------------------------------------------------------
// Values

function valueItems(scope: Scope, slot: ValueSlot): Items {
  const p = slot.path;
  if (p.length === 1 && p[0] === 'kind') return (scope.kind ? [scope.kind] : (['Job', 'Cluster'] as const)).map((k) => ({ label: k, kind: CompletionItemKind.EnumMember, detail: 'the kind of document', documentation: infoOf(schemaAt(k, ['kind']) ?? {}).description ?? '' }));
  if (!scope.kind) return p.length === 1 && p[0] === 'apiVersion' ? [{ label: 'berth/v1', kind: CompletionItemKind.EnumMember, detail: 'the spec format version' }] : [];
  const schema = schemaAt(scope.kind, p);
  if (!schema) return [];
  const info = infoOf(schema);
  const docs = info.description ? { kind: 'markdown' as const, value: info.description } : undefined;
  const special = scope.kind === 'Job' ? jobValues(scope, slot) : clusterValues(scope, slot);
  // Every item says what it is and, in a short list, carries the field's own description.
  if (special) {
    // Filled in place (the items are new), and in a long list only on the items sent.
    const summary = typeSummary(info);
    const documented = (Array.isArray(special) ? special.length : special.labels.length) <= DOCUMENTED_ITEMS ? docs : undefined;
    const filled = (item: Item): Item => {
      if (item.detail === undefined && item.describe === undefined) item.detail = summary;
      if (!item.documentation && documented) item.documentation = documented;
      return item;
    };
    if (!Array.isArray(special)) return { labels: special.labels, item: (i) => filled(special.item(i)) };
    for (const item of special) filled(item);
    return special;
  }
  const items: Item[] = [];
  const seen = new Set<string>();
  const add = (v: unknown, kind: CompletionItemKind, detail: string): void => {
    if (v === null || typeof v === 'object') return;
    const label = yamlText(v);
    if (seen.has(label)) return;
    seen.add(label);
    const isDefault = info.hasDefault && info.default === v;
    items.push({ label, kind, detail: isDefault ? `${detail} · default` : detail, ...(docs ? { documentation: docs } : {}), ...(isDefault ? { preselect: true } : {}), sortText: `${items.length}`.padStart(3, '0') });
  };
  for (const v of info.values ?? []) add(v, CompletionItemKind.EnumMember, typeSummary(info));
  if (info.types.includes('boolean')) for (const v of [false, true]) add(v, CompletionItemKind.Value, 'boolean');
  if (info.hasDefault) add(info.default, CompletionItemKind.Value, 'default');
  const key = p[p.length - 1];
  if (key === 'mem' || key === 'disk') for (const q of ['512Mi', '1Gi', '2Gi', '4Gi']) add(q, CompletionItemKind.Unit, key);
  for (const v of info.examples) add(v, CompletionItemKind.Value, 'example');
  return items;
}

function jobValues(scope: Scope, slot: ValueSlot): Items | undefined {
  const p = slot.path;
  if (p.length === 1 && p[0] === 'cluster') return clusterRefs(scope);
  if (p[0] === 'failover' && p[1] === 'domains' && typeof p[2] === 'number') {
    const taken = otherEntries(slot);
    return scope.cluster ? attributeNames(scope.cluster, false).filter((a) => !taken.includes(a.label)) : [];
  }
  if (p[0] !== 'tasks' || typeof p[1] !== 'number') return undefined;
  if (p[2] === 'dependsOn' && typeof p[3] === 'number') return taskNames(scope, p[1], otherEntries(slot));
  if (p[2] === 'constraints' && typeof p[3] === 'number' && typeof p[4] === 'number') {
    if (p[4] === 0) return scope.cluster ? attributeNames(scope.cluster, true) : [{ label: 'hostname', kind: CompletionItemKind.Field, detail: 'the node name' }];
    if (p[4] === 1) return CONSTRAINT_OPERATORS.map((op, i) => ({ label: op, kind: CompletionItemKind.Operator, detail: 'constraint operator', documentation: { kind: 'markdown', value: operatorDoc(op) ?? op }, sortText: String(i) }));
    if (p[4] === 2) return scope.cluster ? attributeValues(scope.cluster, slot.entries[0] ?? '') : [];
  }
  if (p[2] === 'image' && p.length === 3 && scope.cluster?.defaults.image) {
    return [{ label: scope.cluster.defaults.image, kind: CompletionItemKind.Value, detail: "the cluster's default image" }];
  }
  return undefined;
}

function clusterValues(scope: Scope, slot: ValueSlot): Items | undefined {
  const p = slot.path;
  if (p[0] === 'nodes' && p[2] === 'attributes' && typeof p[3] === 'string' && scope.cluster) return attributeValues(scope.cluster, p[3]);
  return undefined;
}

function otherEntries(slot: ValueSlot): string[] {
  const here = slot.path[slot.path.length - 1];
  return slot.entries.filter((_, i) => i !== here);
}

/** Task names of the job at the cursor, but the task itself and those already listed. */
function taskNames(scope: Scope, taskIndex: number, taken: readonly string[]): LongList {
  const job = scope.checked.jobs.find((j) => j.doc === scope.doc) ?? scope.checked.jobs[0];
  if (!job) return { labels: [], item: () => ({ label: '' }) };
  const tasks = isRecord(job.doc.value) && Array.isArray(job.doc.value['tasks']) ? (job.doc.value['tasks'] as unknown[]) : [];
  const self = tasks[taskIndex];
  const selfName = isRecord(self) && typeof self['name'] === 'string' ? self['name'] : undefined;
  const offered = job.spec.tasks.filter((t) => t.name !== '' && t.name !== selfName && !taken.includes(t.name));
  return {
    labels: offered.map((t) => t.name),
    item: (i) => {
      const t = offered[i];
      return { label: t.name, kind: CompletionItemKind.Reference, describe: () => `task · ${resources(t.resources)}${t.instances > 1 ? ` · ${t.instances} instances` : ''}` };
    },
  };
}

function clusterRefs(scope: Scope): Item[] {
  const items: Item[] = [];
  for (const c of scope.checked.clusters) {
    if (c.spec.name) items.push({ label: c.spec.name, kind: CompletionItemKind.Reference, detail: 'Cluster document in this file', sortText: `0${c.spec.name}` });
  }
  const from = dirname(scope.path.replace(/\\/g, '/'));
  for (const p of scope.clusterFiles()) items.push({ label: relativePath(from, p), kind: CompletionItemKind.File, detail: 'cluster file', sortText: `1${p}` });
  return items;
}

function attributeNames(cluster: ClusterSpec, withHostname: boolean): Item[] {
  const byName = new Map<string, Set<string>>();
  for (const n of cluster.nodes) for (const [k, v] of Object.entries(n.attributes)) (byName.get(k) ?? byName.set(k, new Set()).get(k))?.add(v);
  const items: Item[] = [...byName].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, values]) => ({ label: k, kind: CompletionItemKind.Field, detail: `node attribute: ${[...values].slice(0, 6).join(', ')}` }));
  if (withHostname) items.unshift({ label: 'hostname', kind: CompletionItemKind.Field, detail: `the node name: ${cluster.nodes.slice(0, 6).map((n) => n.name).join(', ')}` });
  return items;
}

/** Values of an attribute on the nodes, or node names for `hostname`. */
function attributeValues(cluster: ClusterSpec, field: string): Items {
  if (field === 'hostname') {
    const { nodes } = cluster;
    return { labels: nodes.map((n) => n.name), item: (i) => ({ label: nodes[i].name, kind: CompletionItemKind.Value, describe: () => `node · ${resources(nodes[i].resources)}` }) };
  }
  const nodes = new Map<string, string[]>();
  for (const n of cluster.nodes) {
    const v = attributeOf(n, field);
    if (v !== undefined) (nodes.get(v) ?? nodes.set(v, []).get(v))?.push(n.name);
  }
  return [...nodes].map(([v, names]) => ({ label: v, kind: CompletionItemKind.Value, detail: `${field} of ${names.slice(0, 6).join(', ')}${names.length > 6 ? ' …' : ''}` }));
}

/** `./x.cluster.yaml` or `../y/x.cluster.yaml` from a folder to a file ('/'-separated). */
export function relativePath(fromDir: string, to: string): string {
  const a = fromDir.split('/').filter((s) => s !== '');
  const b = to.replace(/\\/g, '/').split('/').filter((s) => s !== '');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  const up = a.length - i;
  return (up === 0 ? './' : '../'.repeat(up)) + b.slice(i).join('/');
}

function resources(r: Resources): string {
  return `cpus ${formatCpus(r.cpus)} · mem ${formatMemory(r.mem)}${r.disk > 0 ? ` · disk ${formatMemory(r.disk)}` : ''}`;
}
