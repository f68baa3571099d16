/**
 * The JSON Schemas (the single source of truth for structure) read along a path: what hover and
 * completion say about a key or value comes from here, never from a second copy.
 */
import type { DocumentKind } from '../engine/spec/specDocument';
import { SCHEMAS } from '../engine/spec/validateSchema';
import type { Segment } from '../engine/spec/specDocument';

/** The subset of JSON Schema (draft-07) that the Berth schemas use. */
export interface JsonSchema {
  readonly description?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema | readonly JsonSchema[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface SchemaInfo {
  readonly schema: JsonSchema;
  readonly description: string | undefined;
  /** `enum`, or the single `const` value. */
  readonly values: readonly unknown[] | undefined;
  readonly hasDefault: boolean;
  readonly default: unknown;
  readonly examples: readonly unknown[];
  readonly types: readonly string[];
  /** Property names in schema order. */
  readonly properties: readonly string[];
  readonly required: readonly string[];
}

export function rootSchema(kind: DocumentKind): JsonSchema {
  const schema: JsonSchema = SCHEMAS[kind];
  return schema;
}

/** The schema of the node at `path` in a document of this kind, or undefined off the schema. */
export function schemaAt(kind: DocumentKind, path: readonly Segment[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = rootSchema(kind);
  for (const seg of path) {
    if (!node) return undefined;
    node = childSchema(node, seg);
  }
  return node;
}

function childSchema(node: JsonSchema, seg: Segment): JsonSchema | undefined {
  if (typeof seg === 'number') {
    const items = node.items;
    if (Array.isArray(items)) return (items as readonly JsonSchema[])[seg];
    return items as JsonSchema | undefined;
  }
  // Own properties only: a key named `constructor` or `toString` is not in the schema.
  const prop = node.properties !== undefined && Object.hasOwn(node.properties, seg) ? node.properties[seg] : undefined;
  if (prop) return prop;
  return typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
}

export function infoOf(schema: JsonSchema): SchemaInfo {
  const values = schema.enum ?? ('const' in schema ? [schema.const] : undefined);
  const types = schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : [...schema.type];
  return {
    schema,
    description: schema.description,
    values,
    hasDefault: 'default' in schema,
    default: schema.default,
    examples: schema.examples ?? [],
    types,
    properties: Object.keys(schema.properties ?? {}),
    required: schema.required ?? [],
  };
}

export function schemaInfoAt(kind: DocumentKind, path: readonly Segment[]): SchemaInfo | undefined {
  const s = schemaAt(kind, path);
  return s && infoOf(s);
}

/** Is a mapping expected here (a schema with properties, or free-form keys like `env`)? */
export function isObjectSchema(s: JsonSchema): boolean {
  return s.properties !== undefined || s.type === 'object';
}

/** A short type for a detail line: "string", "integer | string", "never | on-failure | always". */
export function typeSummary(info: SchemaInfo): string {
  if (info.values) return info.values.map((v) => String(v)).join(' | ');
  if (info.types.length > 0) return info.types.join(' | ');
  return 'value';
}

/** Plain scalar text for a value in YAML: strings as they are, the rest as JSON. */
export function yamlText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Markdown for a key or value: its description, allowed values and default. */
export function schemaMarkdown(name: string, info: SchemaInfo): string {
  const lines = [`**${name}** · ${typeSummary(info)}`];
  if (info.description) lines.push('', info.description);
  const facts: string[] = [];
  if (info.values && info.values.length > 1) facts.push(`Allowed: ${info.values.map((v) => `\`${yamlText(v)}\``).join(', ')}`);
  if (info.hasDefault) facts.push(`Default: \`${yamlText(info.default)}\``);
  if (info.schema.minimum !== undefined || info.schema.maximum !== undefined) facts.push(`Range: ${info.schema.minimum ?? ''}..${info.schema.maximum ?? ''}`);
  if (info.examples.length > 0 && !info.values) facts.push(`Examples: ${info.examples.slice(0, 4).map((v) => `\`${yamlText(v)}\``).join(', ')}`);
  if (facts.length > 0) lines.push('', facts.join(' · '));
  return lines.join('\n');
}

/** The sentence of the constraint operator description that explains `op` ("UNIQUE: each instance ..."). */
export function operatorDoc(op: string): string | undefined {
  const desc = schemaAt('Job', ['tasks', 0, 'constraints', 0, 1])?.description ?? '';
  for (const part of desc.split(/(?<=\.)\s+(?=[A-Z_]{2,}(?: \/ [A-Z_]+)*:)/)) {
    const head = /^([A-Z_]+(?: \/ [A-Z_]+)*):/.exec(part);
    if (head?.[1]?.split(' / ').includes(op)) return part;
  }
  return undefined;
}
