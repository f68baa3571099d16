/**
 * The "Deploy" code lens on each `kind: Job` line of a job file. It is the extension's own (the
 * language server knows nothing of Docker): a line scan, no parse, so it costs nothing per edit.
 */
import * as vscode from 'vscode';

const KIND_JOB = /^kind:\s*["']?Job["']?\s*(#.*)?$/;
const NAME = /^name:\s*["']?([^"'#\s]+)["']?/;

export const JOB_FILES: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.job.yaml' },
  { scheme: 'file', pattern: '**/*.job.yml' },
];

export class DeployLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    const lines = document.getText().split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      if (!KIND_JOB.test(lines[i] ?? '')) continue;
      // The job's name: the top-level `name:` of the same YAML document.
      let name: string | undefined;
      for (let k = i - 1; k >= 0 && !/^---/.test(lines[k] ?? '') && name === undefined; k--) name = NAME.exec(lines[k] ?? '')?.[1];
      for (let k = i + 1; k < lines.length && !/^---/.test(lines[k] ?? '') && name === undefined; k++) name = NAME.exec(lines[k] ?? '')?.[1];
      lenses.push(
        new vscode.CodeLens(new vscode.Range(i, 0, i, 0), {
          title: '$(rocket) Deploy',
          tooltip: `Deploy ${name ?? 'this job'} to its local Docker cluster`,
          command: 'berth.deployJob',
          arguments: [document.uri.toString(), ...(name ? [name] : [])],
        }),
      );
    }
    return lenses;
  }
}

export function registerDeployLens(): vscode.Disposable {
  return vscode.languages.registerCodeLensProvider(JOB_FILES, new DeployLensProvider());
}
