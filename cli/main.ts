/** The `berth` command: argv → engine (and, later, the Docker cluster) → stdout and an exit code. */
import { runCheck } from './commands/check';
import { runPlan } from './commands/plan';
import { nodeIo, UsageError, type CliIo } from './io';

const USAGE = `usage: berth <command> [options]

commands:
  check FILES|DIRS...   check cluster and job specs (--format text|json)
  plan JOB...           placements, node allocation and failover scenarios (--json, --strict)
  help                  show this help
`;

export function run(argv: readonly string[], io: CliIo): number {
  const [verb, ...rest] = argv;
  try {
    switch (verb) {
      case 'check':
        return runCheck(rest, io);
      case 'plan':
        return runPlan(rest, io);
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return 0;
      case undefined:
        io.err(USAGE);
        return 2;
      default:
        throw new UsageError(`unknown command "${verb}"\n${USAGE}`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS'))) {
      io.err(`berth: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/** The process entry point (bin/berth.js). */
export function main(): void {
  process.exitCode = run(process.argv.slice(2), nodeIo);
}
