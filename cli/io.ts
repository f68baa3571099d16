/** Where a command writes, and how it ends: injected so tests can run commands in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly cwd: string;
}

/** A usage or environment error: printed as one clear line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const nodeIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
};
