/** `berth check FILES|DIRS... [--format text|json]` */
import { createSpecChecker } from '../../server/engine/checkSpec';
import { findSpecFiles, fsHost, readArgumentFile } from '../files';
import { UsageError, type CliIo } from '../io';
import { formatLine, toReported, type ReportedProblem } from '../report';
import { commandArgs } from '../args';

export const CHECK_USAGE = 'usage: berth check FILES|DIRS... [--format text|json]';

export function runCheck(argv: readonly string[], io: CliIo): number {
  const { values, positionals } = commandArgs({ args: [...argv], options: { format: { type: 'string', default: 'text' } }, allowPositionals: true, strict: true });
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not "${values.format}"`);
  if (positionals.length === 0) throw new UsageError(CHECK_USAGE);
  const files = findSpecFiles(positionals, io.cwd);
  const checker = createSpecChecker();
  const all: ReportedProblem[] = [];
  for (const file of files) {
    const text = readArgumentFile(file);
    const checked = checker.check(file, text, fsHost);
    for (const p of toReported(file, text, checked.problems, io.cwd)) all.push(p);
  }
  if (values.format === 'json') io.out(`${JSON.stringify(all, null, 2)}\n`);
  else {
    for (const p of all) io.out(`${formatLine(p)}\n`);
    const errors = all.filter((p) => p.severity === 'error').length;
    const warnings = all.filter((p) => p.severity === 'warning').length;
    io.err(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  return all.some((p) => p.severity === 'error') ? 1 : 0;
}
