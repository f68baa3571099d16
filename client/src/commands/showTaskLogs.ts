/**
 * `berth.showTaskLogs`: a task's output followed live in a terminal (a pseudoterminal, read-only).
 * Closing the terminal aborts the Docker log stream.
 */
import * as vscode from 'vscode';
import { Writable } from 'node:stream';
import { runClusterCommand, showClusterError } from '../cluster/clusterCommand';
import type { ClusterSession } from '../cluster/clusterSession';
import { pickTask } from '../cluster/pick';

export const SHOW_TASK_LOGS_COMMAND = 'berth.showTaskLogs';

/** Terminal text: CRLF line ends; stderr in red. */
function sink(write: (text: string) => void, color?: string): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString('utf8').replace(/\r?\n/g, '\r\n');
      write(color ? `${color}${text}\x1b[0m` : text);
      done();
    },
  });
}

export function registerShowTaskLogsCommand(session: ClusterSession, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(SHOW_TASK_LOGS_COMMAND, (arg?: unknown) =>
    runClusterCommand(log, 'show the task logs', async () => {
      const ref = await pickTask(session, arg);
      if (!ref) return;
      const engine = session.engine(ref.cluster);
      const found = await engine.findTask(ref.task, ref.cluster);
      const abort = new AbortController();
      const written = new vscode.EventEmitter<string>();
      const closed = new vscode.EventEmitter<number | void>();
      const pty: vscode.Pseudoterminal = {
        onDidWrite: written.event,
        onDidClose: closed.event,
        open: () => {
          written.fire(`\x1b[2m${found.container} (${ref.task} in ${ref.cluster}): following; close this terminal to stop\x1b[0m\r\n`);
          engine.streamLogs(found, sink((t) => written.fire(t)), sink((t) => written.fire(t), '\x1b[31m'), { follow: true, tail: 500, signal: abort.signal }).then(
            () => written.fire(`\r\n\x1b[2m${abort.signal.aborted ? 'stopped following' : 'the task stopped: end of its log'}\x1b[0m\r\n`),
            (err: unknown) => showClusterError(log, `follow the logs of ${ref.task}`, err),
          );
        },
        close: () => {
          abort.abort();
          written.dispose();
          closed.dispose();
        },
      };
      vscode.window.createTerminal({ name: `Berth logs: ${ref.task}`, pty, iconPath: new vscode.ThemeIcon('output') }).show();
    }),
  );
}
