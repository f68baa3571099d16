/**
 * Alias-heavy documents (the timing that test/unit/fuzz.test.ts counts in work): checking an alias
 * bomb and a task list of 2,000 aliases, each as a ratio to checking the same values written out
 * without aliases (what the checker built from them), in the same run; and the task list at
 * 4,000 aliases against 2,000 (about 2x when the work grows linearly, 4x when quadratically).
 *   npx tsc -b && node out/bench/aliases.bench.js
 */
import { stringify } from 'yaml';
import { createSpecChecker } from '../server/engine/checkSpec';
import { createSchemaValidator } from '../server/engine/spec/validateSchema';
import { ms, time } from './util/timing';

const quick = process.argv.includes('--quick');
const runs = quick ? 3 : 7;
const head = 'apiVersion: berth/v1\nkind: Job\nname: lol\ncluster: ./missing.cluster.yaml\n';
const host = { readFile: (): undefined => undefined };
const validator = createSchemaValidator();
/** A cold check (a new checker sharing only the compiled schemas, as one process does). */
const check = (text: string): void => void createSpecChecker(validator).check('/bench/lol.job.yaml', text, host);

function bomb(): string {
  let text = `${head}x0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n`;
  for (let i = 1; i <= 9; i++) text += `x${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]\n`;
  return `${text}tasks:\n  - name: api\n    resources: { cpus: 1, mem: 1Gi }\n    env: *a9\n    dependsOn: *a9\n    constraints: *a9\n`;
}

function fanOut(n: number): string {
  let text = `${head}tasks:\n  - &t0 { name: a, resources: { cpus: 1, mem: 1Gi }, dependsOn: [a] }\n`;
  for (let i = 1; i < n; i++) text += '  - *t0\n';
  return text;
}

/** The values the checker built from `text`, as YAML without aliases. */
function writtenOut(text: string): string {
  const checked = createSpecChecker(validator).check('/bench/lol.job.yaml', text, host);
  return checked.file.documents.map((d) => stringify(d.value, { aliasDuplicateObjects: false })).join('---\n');
}

const row = (label: string, x: number, baseline: number, goal: string): void => console.log(`${label.padEnd(46)} ${ms(x).padStart(10)}   ratio ${(x / baseline).toFixed(2)}x (${goal})`);

const bombText = bomb();
const bombOut = writtenOut(bombText);
const bombBase = time(() => check(bombOut), runs, 1);
const bombTime = time(() => check(bombText), runs, 1);
const fan = fanOut(2000);
const fanOut2000 = writtenOut(fan);
const fanBase = time(() => check(fanOut2000), runs, 1);
const fanTime = time(() => check(fan), runs, 1);
const fan4000 = time(() => check(fanOut(4000)), runs, 1);

console.log(`alias bomb: ${bombText.length} bytes, ${(bombOut.length / 1024).toFixed(0)} KiB written out; task list: 2,000 aliases, ${(fanOut2000.length / 1024).toFixed(0)} KiB written out`);
console.log(`${'the bomb written out, baseline'.padEnd(46)} ${ms(bombBase).padStart(10)}`);
row('the alias bomb', bombTime, bombBase, 'goal <= 2x');
console.log(`${'2,000 tasks written out, baseline'.padEnd(46)} ${ms(fanBase).padStart(10)}`);
row('2,000 aliases of one task', fanTime, fanBase, 'goal <= 2x');
row('4,000 aliases of one task, against 2,000', fan4000, fanTime, 'linear ~2x, quadratic ~4x');
