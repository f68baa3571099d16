/**
 * The codes of problems that the JSON Schema alone decides (what `validateSchema` reports), and
 * the parser's syntax code: the problems any schema-driven YAML tool would report too. Declared
 * once, for the schema mapping and for the extension, which leaves these to the Red Hat YAML
 * extension when that one validates the same file.
 */
export const SCHEMA_CODES = ['spec/unknown-field', 'spec/missing-field', 'spec/wrong-type', 'spec/invalid-value', 'spec/out-of-range', 'spec/empty', 'spec/duplicate-item'] as const;

export type SchemaCode = (typeof SCHEMA_CODES)[number];

export const SYNTAX_CODE = 'spec/syntax';
