/** The `berth` command: argv → engine and the Docker cluster → stdout and an exit code. */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ClusterError, SpecInvalidError } from '../client/cluster';
import { runCheck } from './commands/check';
import { runCluster } from './commands/cluster';
import { runDeploy } from './commands/deploy';
import { runDiff } from './commands/diff';
import { runDown } from './commands/down';
import { runDrillCommand } from './commands/drill';
import { runExport } from './commands/export';
import { runLogs } from './commands/logs';
import { runNode } from './commands/nodes';
import { runPlan } from './commands/plan';
import { runStatus } from './commands/status';
import { runUp } from './commands/up';
import { runWatch } from './commands/watch';
import { nodeIo, UsageError, type CliIo } from './io';
import { formatLine, toReported } from './report';

const USAGE = `usage: berth <command> [options]

commands:
  check FILES|DIRS...        check cluster and job specs (--format text|json)
  plan JOB...                placements, node allocation and failover scenarios (--json, --strict)
  up CLUSTER_FILE|JOB_FILE   bring the cluster up on its engine (--engine local|swarm overrides
                             the file's engine:). local: network berth-<cluster>, one container
                             <cluster>-<node> per node (--image IMAGE, --publish N). swarm: an
                             existing swarm (DOCKER_HOST or swarm.manager is a manager), else a
                             local test swarm, one Docker daemon per node (Linux, root)
  deploy JOB_FILE            place the job against the live cluster and start its tasks
                             (brings the cluster up first; --engine, --image IMAGE, --job NAME, --json)
  diff JOB_FILE              what deploy would do, changing nothing: + create, ~ replace (and what
                             changed), - remove, = unchanged (--json; exit 1 when it would change)
  status [CLUSTER]           nodes and tasks with state, allocation, usage, addresses (--json)
  logs TASK                  a task's output; TASK is api-0 or job/api-0 (-f, --tail N, --cluster C)
  stop-node NODE             stop a node container, as a machine failure (--cluster C, or C/NODE)
  start-node NODE            start it again (--cluster C, or C/NODE)
  watch CLUSTER              run the controller: failover, restarts, waiting tasks (--lease SECONDS)
  down CLUSTER               remove everything of the cluster (containers and network; services,
                             or the whole test swarm)
  drill JOB_FILE             run the preview's failover scenarios on the running cluster and
                             compare (--scenario N[,N...], --all, --json; exit 1 on a difference)
  cluster import             a cluster file from a live swarm, on stdout (--name NAME)
  export JOB_FILE            the placed job as a compose file for docker stack deploy (--format stack)
  help                       show this help

check and plan stop after a time budget, with exit 2: 10000 ms, or --time-budget MS (or the
environment variable BERTH_TIME_BUDGET_MS), as the editor's berth.analysis.timeBudgetMs.

CLUSTER is a cluster name, or a cluster or job file (its cluster's name is used); the engine that
holds it is found from its state, so only up and deploy take --engine.
The Docker engine is DOCKER_HOST, or the local socket /var/run/docker.sock.
`;

async function dispatch(verb: string | undefined, rest: readonly string[], io: CliIo): Promise<number> {
  switch (verb) {
    case 'check':
      return runCheck(rest, io);
    case 'plan':
      return runPlan(rest, io);
    case 'up':
      return runUp(rest, io);
    case 'deploy':
      return runDeploy(rest, io);
    case 'diff':
      return runDiff(rest, io);
    case 'status':
      return runStatus(rest, io);
    case 'logs':
      return runLogs(rest, io);
    case 'stop-node':
    case 'start-node':
      return runNode(verb, rest, io);
    case 'watch':
      return runWatch(rest, io);
    case 'down':
      return runDown(rest, io);
    case 'cluster':
      return runCluster(rest, io);
    case 'drill':
      return runDrillCommand(rest, io);
    case 'export':
      return runExport(rest, io);
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
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = argv;
  try {
    return await dispatch(verb, rest, io);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS'))) {
      io.err(`berth: ${err.message}\n`);
      return 2;
    }
    if (err instanceof SpecInvalidError) {
      for (const e of err.errors) for (const p of toReported(e.file, e.text, e.problems, io.cwd)) io.err(`${formatLine(p)}\n`);
      io.err('berth: the specs have errors (above); fix them first\n');
      return 2;
    }
    if (err instanceof ClusterError) {
      io.err(`berth: ${err.message} [${err.code}]\n`);
      return err.code.startsWith('deploy/') ? 1 : 2;
    }
    throw err;
  }
}

/** The CLI's default time budget for check and plan (the editor's berth.analysis.timeBudgetMs default). */
export const CLI_TIME_BUDGET_MS = 10_000;
/** Commands that run under the time budget: everything they do is analysis, none of it is Docker. */
const BUDGETED = new Set(['check', 'plan']);

/** `--time-budget MS` (or `=MS`) taken out of argv, over BERTH_TIME_BUDGET_MS, over the default; a string for a bad value. */
export function timeBudgetArg(argv: readonly string[], env: string | undefined): { argv: string[]; budgetMs: number } | string {
  const rest: string[] = [];
  let given = env;
  let from = 'BERTH_TIME_BUDGET_MS';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--time-budget') {
      given = argv[++i];
      from = '--time-budget';
    } else if (a.startsWith('--time-budget=')) {
      given = a.slice('--time-budget='.length);
      from = '--time-budget';
    } else rest.push(a);
  }
  if (given === undefined || given === '') return { argv: rest, budgetMs: CLI_TIME_BUDGET_MS };
  const ms = Number(given);
  if (!/^\d+$/.test(given.trim()) || ms < 1) return `${from} takes a whole number of milliseconds, at least 1 (got "${given}")`;
  return { argv: rest, budgetMs: ms };
}

/**
 * check and plan in a worker thread, stopped when the time budget runs out: a document too
 * expensive to analyse ends with a clear error and exit 2, never a hang. The worker writes to
 * this process's stdout and stderr and posts its exit code.
 */
function runBudgeted(argv: readonly string[]): void {
  const parsed = timeBudgetArg(argv, process.env['BERTH_TIME_BUDGET_MS']);
  if (typeof parsed === 'string') {
    process.stderr.write(`berth: ${parsed}\n`);
    process.exitCode = 2;
    return;
  }
  const worker = new Worker(`require(${JSON.stringify(__filename)}).runInWorker();`, { eval: true, workerData: { argv: parsed.argv } });
  let code: number | undefined;
  let overdue = false;
  const timer = setTimeout(() => {
    overdue = true;
    void worker.terminate();
  }, parsed.budgetMs);
  worker.on('message', (m: { code?: number }) => (code = m.code));
  worker.on('error', (err: unknown) => {
    process.stderr.write(`berth: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    code = 70;
  });
  worker.on('exit', () => {
    clearTimeout(timer);
    if (overdue) {
      process.stderr.write(`berth: ${argv[0] ?? ''} stopped: the analysis took longer than its time budget of ${parsed.budgetMs} ms (too expensive; --time-budget MS or BERTH_TIME_BUDGET_MS sets the budget)\n`);
      process.exitCode = 2;
    } else process.exitCode = code ?? 70;
  });
}

/** The worker of runBudgeted. */
export function runInWorker(): void {
  if (isMainThread || !parentPort) throw new Error('runInWorker runs in a worker thread');
  const port = parentPort;
  const { argv } = workerData as { argv: string[] };
  run(argv, nodeIo).then(
    (code) => port.postMessage({ code }),
    (err: unknown) => {
      process.stderr.write(`berth: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      port.postMessage({ code: 70 });
    },
  );
}

/** The process entry point (bin/berth.js). */
export function main(): void {
  if (BUDGETED.has(process.argv[2] ?? '')) return runBudgeted(process.argv.slice(2));
  run(process.argv.slice(2), nodeIo).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`berth: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
