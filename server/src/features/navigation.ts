/**
 * Go to definition, find references and rename for task names (`dependsOn`), node names
 * (`hostname` constraints, across every job file targeting the cluster) and the cluster reference.
 * Everything is read from the name table of `nameOccurrences.ts`; edits touch only the name's
 * characters, so quotes and flow collections are kept as written.
 */
import { LSPErrorCodes, ResponseError, type Location, type Position, type Range, type ServerCapabilities, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { CheckedFile } from '../../engine/checkSpec';
import type { Span } from '../../engine/model';
import { pathToUri, toOffset, toRange, uriToPath } from '../convert';
import { guarded } from '../guard';
import type { FeatureContext } from './context';
import { NameOccurrences, targetKey, type NameTarget, type Occurrence } from './nameOccurrences';

/** Task, node and cluster names are DNS labels (the schemas' pattern). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const WHAT: Record<NameTarget['kind'], string> = { task: 'task', node: 'node', cluster: 'cluster' };

export class Navigation {
  readonly names: NameOccurrences;

  constructor(private readonly ctx: FeatureContext) {
    this.names = new NameOccurrences(ctx.workspace);
  }

  /** The checked file and the occurrence at a position, if any. */
  private at(uri: string, position: Position): { checked: CheckedFile; occurrence: Occurrence | undefined } | undefined {
    const path = uriToPath(uri);
    const checked = this.ctx.workspace.check(path);
    if (!checked) return undefined;
    const offset = toOffset(this.ctx.positions.index(path, checked.file.text), position);
    return { checked, occurrence: this.names.at(checked, offset) };
  }

  private location(path: string, text: string, span: Span): Location {
    return { uri: pathToUri(path), range: toRange(this.ctx.positions.index(path, text), span) };
  }

  definition(uri: string, position: Position): Location[] | null {
    const target = this.at(uri, position)?.occurrence?.target;
    if (!target) return null;
    const found = this.names.find(target).flatMap(({ path, checked, occurrences }) =>
      occurrences.filter((o) => o.role === 'definition').map((o) => this.location(path, checked.file.text, o.span)),
    );
    if (found.length > 0) return found;
    if (target.kind !== 'cluster') return null;
    // A cluster without a `name`: its document's first character.
    const checked = this.ctx.workspace.check(target.path);
    const doc = checked?.file.documents[target.doc];
    return checked && doc ? [this.location(target.path, checked.file.text, { start: doc.span.start, end: doc.span.start })] : null;
  }

  references(uri: string, position: Position, includeDeclaration: boolean): Location[] | null {
    const target = this.at(uri, position)?.occurrence?.target;
    if (!target) return null;
    return this.names.find(target).flatMap(({ path, checked, occurrences }) =>
      occurrences.filter((o) => includeDeclaration || o.role !== 'definition').map((o) => this.location(path, checked.file.text, o.span)),
    );
  }

  /** The name's range, or why this cannot be renamed. */
  prepareRename(uri: string, position: Position): { range: Range; placeholder: string } | ResponseError<void> {
    const hit = this.at(uri, position);
    const checked = hit?.checked;
    const o = hit?.occurrence;
    if (!checked || !o) return refuse('Only task names, node names and cluster names can be renamed: put the cursor on one (in `name`, `dependsOn`, a hostname constraint or `cluster`).');
    const why = this.whyNot(o);
    if (why) return refuse(why);
    return { range: toRange(this.ctx.positions.index(checked.path, checked.file.text), o.span), placeholder: o.name };
  }

  rename(uri: string, position: Position, newName: string): WorkspaceEdit | ResponseError<void> {
    const o = this.at(uri, position)?.occurrence;
    if (!o) return refuse('Only task names, node names and cluster names can be renamed.');
    const why = this.whyNot(o);
    if (why || !o.target) return refuse(why ?? 'nothing to rename here');
    const target = o.target;
    if (newName === target.name) return { changes: {} };
    if (!DNS_LABEL.test(newName) || newName.length > 63) {
      return refuse(`"${newName}" is not a valid ${WHAT[target.kind]} name: use a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters).`);
    }
    if (this.taken(target, newName)) return refuse(`There is already a ${WHAT[target.kind]} named "${newName}" ${target.kind === 'task' ? 'in this job' : target.kind === 'node' ? 'in this cluster' : 'in this file'}.`);
    const changes: Record<string, TextEdit[]> = {};
    for (const { path, checked, occurrences } of this.names.find(target)) {
      const index = this.ctx.positions.index(path, checked.file.text);
      // A cluster referenced by its file path keeps the path: only name references change.
      const edits = occurrences.filter((x) => x.via !== 'path').map((x) => ({ range: toRange(index, x.span), newText: newName }));
      if (edits.length > 0) changes[pathToUri(path)] = edits;
    }
    return { changes };
  }

  /** Why the occurrence cannot be renamed, or undefined when it can. */
  private whyNot(o: Occurrence): string | undefined {
    if (o.via === 'path') return 'This cluster is referenced by its file path: rename the file instead (or put the cursor on the cluster\'s name).';
    if (!o.target) return `The cluster of this job is unknown, so "${o.name}" cannot be resolved to a node.`;
    const target = o.target;
    const defined = this.names.find(target).some((f) => f.occurrences.some((x) => x.role === 'definition'));
    if (!defined) return `There is no ${WHAT[target.kind]} named "${target.name}" to rename.`;
    return undefined;
  }

  /** Is `name` already the name of another task of the job, node of the cluster, or cluster of the file? */
  private taken(target: NameTarget, name: string): boolean {
    const checked = this.ctx.workspace.check(target.path);
    if (!checked) return false;
    const twin = targetKey({ ...target, name });
    return this.names.of(checked).some((x) => x.role === 'definition' && x.target !== undefined && (target.kind === 'cluster' ? x.target.kind === 'cluster' && x.name === name : targetKey(x.target) === twin));
  }
}

function refuse(message: string): ResponseError<void> {
  return new ResponseError<void>(LSPErrorCodes.RequestFailed, message);
}

export function registerNavigation(ctx: FeatureContext): ServerCapabilities {
  const nav = new Navigation(ctx);
  const { connection, log } = ctx;
  connection.onDefinition((p) => guarded(log, 'definition', null, () => nav.definition(p.textDocument.uri, p.position)));
  connection.onReferences((p) => guarded(log, 'references', null, () => nav.references(p.textDocument.uri, p.position, p.context.includeDeclaration)));
  connection.onPrepareRename((p) => guarded(log, 'prepareRename', null, () => nav.prepareRename(p.textDocument.uri, p.position)));
  connection.onRenameRequest((p) => guarded(log, 'rename', null, () => nav.rename(p.textDocument.uri, p.position, p.newName)));
  return { definitionProvider: true, referencesProvider: true, renameProvider: { prepareProvider: true } };
}
