/** Problems as the command line prints them: `path:line:col: severity code message`, or JSON. */
import { relative } from 'node:path';
import { LineIndex } from '../server/engine/util/lineIndex';
import type { Problem } from '../server/engine/model';

export interface ReportedProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: Problem['severity'];
  readonly code: string;
  readonly message: string;
}

/** 1-based positions, in the order given (the checker sorts by position). */
export function toReported(file: string, text: string, problems: readonly Problem[], cwd: string): ReportedProblem[] {
  const index = new LineIndex(text);
  const shown = displayPath(file, cwd);
  return problems.map((p) => {
    const s = index.positionAt(p.span.start);
    const e = index.positionAt(p.span.end);
    return { file: shown, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, severity: p.severity, code: p.code, message: p.message };
  });
}

export function displayPath(file: string, cwd: string): string {
  const r = relative(cwd, file);
  return r.startsWith('..') || r === '' ? file : r;
}

export function formatLine(p: ReportedProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity} ${p.code} ${p.message}`;
}
