/**
 * Runs every benchmark, one process each so that none warms another's caches:
 *   npm run bench                 spec, aliases, re-check, allocator, its input compilation, language server, live analysis, hostile documents
 *   npm run bench -- --docker     also deploy and failover on the local Docker engine
 *   npm run bench -- --swarm      also the Swarm engine on local test swarms (Linux, root)
 *   npm run bench -- --quick      fewer repetitions
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const args = process.argv.slice(2);
const quick = args.includes('--quick') ? ['--quick'] : [];
const benches = ['spec.bench.js', 'aliases.bench.js', 'check.bench.js', 'alloc.bench.js', 'context.bench.js', 'lsp.bench.js', 'liveState.bench.js', 'hostile.bench.js', ...(args.includes('--docker') ? ['deploy.bench.js', 'failover.bench.js'] : []), ...(args.includes('--swarm') ? ['swarm.bench.js'] : [])];
let failed = 0;
for (const b of benches) {
  process.stdout.write(`\n== ${b.replace(/\.js$/, '')}\n`);
  const r = spawnSync(process.execPath, [join(__dirname, b), ...quick], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`${b} exited ${r.status ?? r.signal ?? '?'}\n`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
