/**
 * `node --test` on the given files and folders, with the seeding options of test/testSeed.ts as
 * flags (so that `npm run test:unit -- --random` works; npm appends the flags after the folders):
 *   node out/test/runTests.js out/test/unit/             FC_SEED as set, else the fixed default
 *   node out/test/runTests.js out/test/unit/ --random    FC_SEED=random: a new seed, printed
 *   node out/test/runTests.js out/test/unit/ --seed=N    FC_SEED=N: replay a red run
 * Other options (`--test-name-pattern=...`) go to `node --test`, before the paths.
 */
import { spawnSync } from 'node:child_process';

const env = { ...process.env };
const options: string[] = [];
const paths: string[] = [];
for (const arg of process.argv.slice(2)) {
  if (arg === '--random') env['FC_SEED'] = 'random';
  else if (arg.startsWith('--seed=')) env['FC_SEED'] = arg.slice('--seed='.length);
  // node takes its options before the paths (write them as --name=value).
  else (arg.startsWith('-') ? options : paths).push(arg);
}
const run = spawnSync(process.execPath, ['--test', ...options, ...paths], { stdio: 'inherit', env });
if (run.error) throw run.error;
process.exitCode = run.status ?? 1;
