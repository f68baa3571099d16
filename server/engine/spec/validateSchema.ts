/**
 * JSON Schema validation (ajv) of a parsed document, with every error mapped back to a span:
 * an unknown key points at that key, a missing field at the parent's key, anything else at the value.
 */
import type { SchemaCode } from './schemaCodes';
import type { ErrorObject, ValidateFunction } from 'ajv';
import clusterSchema from '../../../schemas/cluster.schema.json';
import jobSchema from '../../../schemas/job.schema.json';
import type { Problem, Span } from '../model';
import { escapePointer, isRecord, unescapePointer, type DocumentKind, type SpecDocument, type SpecNodeInfo } from './specDocument';
import { closest, closestField, didYouMean } from '../util/didYouMean';
import * as generated from './schemaValidators.generated';

export const SCHEMAS: Readonly<Record<DocumentKind, object>> = { Cluster: clusterSchema, Job: jobSchema };

/** The list each kind holds: a Job's tasks, a Cluster's nodes. */
export const LIST_KEY: Readonly<Record<DocumentKind, 'tasks' | 'nodes'>> = { Cluster: 'nodes', Job: 'tasks' };

export interface SchemaValidator {
  validate(doc: SpecDocument, kind: DocumentKind): Problem[];
  /**
   * `validate` in parts, so that a caller can skip items it knows valid: the document with its
   * list's items left unchecked, then each item alone. Together they give `validate`'s problems.
   */
  validateRoot(doc: SpecDocument, kind: DocumentKind): Problem[];
  /** The problems of item `index` of the kind's list (none when the list is not a list). */
  validateItem(doc: SpecDocument, kind: DocumentKind, index: number): Problem[];
}

/**
 * The validators of both schemas, compiled ahead of time (tools/generateValidators.mjs writes
 * schemaValidators.generated.ts; a unit test fails when it is stale): per kind the whole
 * document, the document without its list's items, and one item.
 */
const VALIDATORS = generated as unknown as Readonly<Record<`${DocumentKind}_${'whole' | 'root' | 'item'}`, ValidateFunction>>;

/** The schema validator (stateless: one may be shared by every caller). */
export function createSchemaValidator(): SchemaValidator {
  return {
    validate(doc, kind) {
      const validate = VALIDATORS[`${kind}_whole`];
      if (validate(doc.value)) return [];
      return toProblems(validate.errors ?? [], doc);
    },
    validateRoot(doc, kind) {
      const validate = VALIDATORS[`${kind}_root`];
      if (validate(doc.value)) return [];
      return toProblems(validate.errors ?? [], doc);
    },
    validateItem(doc, kind, index) {
      const key = LIST_KEY[kind];
      const items = isRecord(doc.value) ? doc.value[key] : undefined;
      if (!Array.isArray(items) || index >= items.length) return [];
      const validate = VALIDATORS[`${kind}_item`];
      if (validate(items[index])) return [];
      const prefix = `/${key}/${index}`;
      return toProblems((validate.errors ?? []).map((e) => ({ ...e, instancePath: prefix + e.instancePath })), doc);
    },
  };
}

function toProblems(errors: readonly ErrorObject[], doc: SpecDocument): Problem[] {
  // A wrong type at a pointer makes every other complaint about that pointer noise.
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of errors) {
    if (e.keyword !== 'type' && typed.has(e.instancePath)) continue;
    const p = toProblem(e, doc);
    const key = `${p.code}@${p.span.start}:${p.span.end}:${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** Every code here is one of SCHEMA_CODES (the type says so), which the extension relies on. */
function toProblem(e: ErrorObject, doc: SpecDocument): Problem & { readonly code: SchemaCode } {
  const here = describe(e.instancePath, doc);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperty':
    case 'additionalProperties': {
      const field = String(params['additionalProperty']);
      const pointer = `${e.instancePath}/${escapePointer(field)}`;
      const info = doc.nodes.get(pointer);
      const span = info?.keySpan ?? info?.span ?? valueSpan(doc, e.instancePath);
      const props = Object.keys(propertiesOf(e.parentSchema));
      const candidates = closestField(field, props);
      const where = here ? ` in ${here}` : '';
      return {
        code: 'spec/unknown-field',
        severity: 'error',
        message: `unknown field "${field}"${where}${didYouMean(candidates)}${candidates.length === 0 && props.length > 0 ? ` (allowed: ${props.join(', ')})` : ''}`,
        span,
        ...(candidates.length > 0 ? { data: { kind: 'did-you-mean' as const, span, candidates } } : {}),
      };
    }
    case 'required': {
      const field = String(params['missingProperty']);
      const span = parentKeySpan(doc, e.instancePath);
      const where = here ? ` in ${here}` : '';
      return {
        code: 'spec/missing-field',
        severity: 'error',
        message: `missing required field "${field}"${where}`,
        span,
        data: { kind: 'add-field', pointer: e.instancePath, field, snippet: snippetFor(field) },
      };
    }
    case 'type': {
      const expected = ([] as unknown[]).concat(params['type']).map(String);
      return {
        code: 'spec/wrong-type',
        severity: 'error',
        message: `${here || 'the document'} must be ${expected.map(article).join(' or ')}, not ${kindOf(e.data)}`,
        span: valueSpan(doc, e.instancePath),
      };
    }
    case 'enum': {
      const allowed = ((params['allowedValues'] as unknown[]) ?? []).map(String);
      const candidates = typeof e.data === 'string' ? closest(e.data, allowed) : [];
      const span = valueSpan(doc, e.instancePath);
      return {
        code: 'spec/invalid-value',
        severity: 'error',
        message: `${here} must be one of ${allowed.join(', ')}, not ${show(e.data)}${didYouMean(candidates)}`,
        span,
        ...(candidates.length > 0 ? { data: { kind: 'did-you-mean' as const, span, candidates } } : {}),
      };
    }
    case 'const': {
      const allowed = String(params['allowedValue']);
      const span = valueSpan(doc, e.instancePath);
      return {
        code: 'spec/invalid-value',
        severity: 'error',
        message: `${here} must be "${allowed}", not ${show(e.data)}`,
        span,
        data: { kind: 'replace', span, text: allowed, title: `Change to ${allowed}` },
      };
    }
    case 'pattern':
      return {
        code: 'spec/invalid-value',
        severity: 'error',
        message: /name|dependsOn/.test(e.instancePath)
          ? `${here} ${show(e.data)} must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit`
          : `${here} ${show(e.data)} is not valid (expected ${exampleOf(e.parentSchema) ?? `the pattern ${String(params['pattern'])}`})`,
        span: valueSpan(doc, e.instancePath),
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than' };
      return {
        code: 'spec/out-of-range',
        severity: 'error',
        message: `${here} must be ${words[e.keyword] ?? ''} ${String(params['limit'])}, not ${show(e.data)}`,
        span: valueSpan(doc, e.instancePath),
      };
    }
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength': {
      const limit = Number(params['limit']);
      const unit = e.keyword.endsWith('Items') ? (limit === 1 ? 'item' : 'items') : limit === 1 ? 'character' : 'characters';
      const bound = e.keyword.startsWith('min') ? 'at least' : 'at most';
      return {
        code: (e.keyword === 'minItems' || e.keyword === 'minLength') && limit === 1 ? 'spec/empty' : 'spec/out-of-range',
        severity: 'error',
        message: `${here || 'the document'} must have ${bound} ${limit} ${unit}`,
        span: e.keyword.startsWith('min') && e.keyword.endsWith('Items') ? parentOrValueSpan(doc, e.instancePath) : valueSpan(doc, e.instancePath),
      };
    }
    case 'uniqueItems': {
      const j = Number(params['j']);
      return {
        code: 'spec/duplicate-item',
        severity: 'error',
        message: `${here} lists the same item twice`,
        span: valueSpan(doc, `${e.instancePath}/${Number.isFinite(j) ? j : 0}`),
      };
    }
    default:
      return {
        code: 'spec/invalid-value',
        severity: 'error',
        message: `${here || 'the document'} ${e.message ?? 'is not valid'}`,
        span: valueSpan(doc, e.instancePath),
      };
  }
}

/** `/tasks/0/resources/mem` → `task "api" resources.mem` (`tasks[0].resources.mem` when unnamed). */
function describe(pointer: string, doc: SpecDocument): string {
  if (pointer === '') return '';
  const segs = pointer.split('/').slice(1).map(unescapePointer);
  const [list, index, ...rest] = segs;
  if ((list === 'tasks' || list === 'nodes') && index !== undefined && /^\d+$/.test(index)) {
    const items = isRecord(doc.value) ? doc.value[list] : undefined;
    const item: unknown = Array.isArray(items) ? items[Number(index)] : undefined;
    const name = isRecord(item) ? item['name'] : undefined;
    if (typeof name === 'string' && name !== '') {
      const what = `${list === 'tasks' ? 'task' : 'node'} "${name}"`;
      return rest.length === 0 ? what : `${what} ${join(rest)}`;
    }
  }
  return join(segs);
}

function join(segs: readonly string[]): string {
  return segs.reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function lookup(doc: SpecDocument, pointer: string): SpecNodeInfo | undefined {
  let p = pointer;
  for (;;) {
    const info = doc.nodes.get(p);
    if (info) return info;
    if (p === '') return undefined;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

function valueSpan(doc: SpecDocument, pointer: string): Span {
  return lookup(doc, pointer)?.span ?? doc.span;
}

/** The key of the object missing a field; for the root, the first line of the document. */
function parentKeySpan(doc: SpecDocument, pointer: string): Span {
  const info = lookup(doc, pointer);
  if (info?.keySpan) return info.keySpan;
  if (pointer !== '' && info) {
    // A list item (no key): its first key, else the item.
    const first = firstChildKey(doc, pointer);
    return first ?? info.span;
  }
  return firstChildKey(doc, '') ?? { start: doc.span.start, end: doc.span.start };
}

function parentOrValueSpan(doc: SpecDocument, pointer: string): Span {
  return lookup(doc, pointer)?.keySpan ?? valueSpan(doc, pointer);
}

function firstChildKey(doc: SpecDocument, pointer: string): Span | undefined {
  let v: unknown = doc.value;
  for (const seg of pointer.split('/').slice(1).map(unescapePointer)) {
    v = Array.isArray(v) ? v[Number(seg)] : isRecord(v) ? v[seg] : undefined;
  }
  if (!isRecord(v)) return undefined;
  const first = Object.keys(v)[0];
  return first === undefined ? undefined : doc.nodes.get(`${pointer}/${escapePointer(first)}`)?.keySpan;
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  if (typeof schema === 'object' && schema !== null && 'properties' in schema) {
    const props = (schema as { properties?: unknown }).properties;
    if (typeof props === 'object' && props !== null) return props as Record<string, unknown>;
  }
  return {};
}

function exampleOf(schema: unknown): string | undefined {
  if (typeof schema === 'object' && schema !== null && 'examples' in schema) {
    const ex = (schema as { examples?: unknown }).examples;
    if (Array.isArray(ex) && ex.length > 0) return `for example ${ex.slice(0, 2).map((x) => JSON.stringify(x)).join(' or ')}`;
  }
  return undefined;
}

const SNIPPETS: Record<string, string> = {
  apiVersion: 'apiVersion: berth/v1',
  kind: 'kind: ${1|Job,Cluster|}',
  name: 'name: ${1:name}',
  cluster: 'cluster: ${1:./dev.cluster.yaml}',
  tasks: 'tasks:\n  - name: ${1:task}\n    resources: { cpus: ${2:1}, mem: ${3:512Mi} }',
  nodes: 'nodes:\n  - name: ${1:node1}\n    resources: { cpus: ${2:2}, mem: ${3:4Gi}, disk: ${4:10Gi}, ports: "31000-31099" }',
  resources: 'resources: { cpus: ${1:1}, mem: ${2:512Mi} }',
};

function snippetFor(field: string): string {
  return SNIPPETS[field] ?? `${field}: $1`;
}

function article(type: string): string {
  switch (type) {
    case 'integer':
      return 'an integer';
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    default:
      return `a ${type}`;
  }
}

function kindOf(v: unknown): string {
  if (v === null) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
  return `${typeof v} ${JSON.stringify(v) ?? ''}`.trim();
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : v === null ? 'empty' : typeof v === 'object' ? kindOf(v) : (JSON.stringify(v) ?? typeof v);
}
