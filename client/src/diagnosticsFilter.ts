/**
 * No duplicate diagnostics with the Red Hat YAML extension. package.json contributes the schemas
 * through `yamlValidation` for `*.job.yaml` / `*.cluster.yaml`; where that extension is installed
 * and validating, it reports YAML syntax and JSON Schema problems for those files itself. Berth
 * then drops its own problems of the same two layers for those files (matched by code, never by
 * message) and keeps everything only it knows: units, semantic rules, placement and failover.
 * Files recognised by content alone get no schema from Red Hat YAML, so Berth keeps all of theirs.
 * `berth.validation.deferSchemaToYamlExtension: false` keeps Berth's own schema messages instead
 * (then set `yaml.validate: false` or remove the association to silence the other extension).
 */
import * as vscode from 'vscode';
import { SCHEMA_CODES, SYNTAX_CODE } from '../../server/engine/spec/schemaCodes';
import { matchesNamePattern } from './berthFiles';
import { readValidationSettings } from './settings';

const YAML_EXTENSION = 'redhat.vscode-yaml';

/** Codes of the problems the JSON Schema (or the YAML parser) alone decides, as the engine declares them. */
const DEFERRED_CODES: ReadonlySet<string> = new Set([SYNTAX_CODE, ...SCHEMA_CODES]);

export function yamlExtensionValidates(uri: vscode.Uri): boolean {
  if (!matchesNamePattern(uri)) return false;
  if (!vscode.extensions.getExtension(YAML_EXTENSION)) return false;
  return vscode.workspace.getConfiguration('yaml', uri).get<boolean>('validate', true);
}

export function filterDuplicateDiagnostics(uri: vscode.Uri, diagnostics: vscode.Diagnostic[]): vscode.Diagnostic[] {
  if (!readValidationSettings().deferSchemaToYamlExtension || !yamlExtensionValidates(uri)) return diagnostics;
  return diagnostics.filter((d) => !DEFERRED_CODES.has(codeOf(d)));
}

function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  if (c === undefined) return '';
  return typeof c === 'object' ? String(c.value) : String(c);
}
