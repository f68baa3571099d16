/**
 * The drill UI test: a copy of examples/seed-preempt deployed with `berth deploy` (so no
 * controller runs for it yet), the packaged VSIX in code-server on that folder, and in Chromium,
 * as a user would: click the Drill lens beside "if node2 fails", answer the notification that no
 * controller runs with "Run Controller Here", wait for the summary notification, open the
 * placement view from its "Show" button and read the drill's verdict beside the node2 scenario;
 * then run every node from the view's "Drill every node" and Cancel it: the node it stopped is back.
 * The screenshot goes to test-output/editor/placement-drill.png, and to the README's
 * media/screenshots/placement-drill.png with BERTH_UPDATE_SCREENSHOTS=1 (so a test run leaves the
 * tree as it was). The cluster is removed whatever happens.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { startCodeServer, type Installation } from './codeServer';
import { packageVsix, placementFrame, poll, prepareProfile, text } from './ui';

export interface DrillUiOptions {
  readonly root: string;
  readonly install: Installation;
  readonly browser: Browser;
  readonly output: string;
  readonly timeoutMs: number;
  /** The local test image (run.ts builds it). */
  readonly image: string;
}

function berth(root: string, cwd: string, ...args: string[]): string {
  return execFileSync(process.execPath, [path.join(root, 'bin', 'berth.js'), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
}

function removeLeftovers(cluster: string): void {
  const ids = execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=berth.cluster=${cluster}`], { encoding: 'utf8' }).split('\n').filter((l) => l !== '');
  if (ids.length > 0) execFileSync('docker', ['rm', '-f', ...ids]);
  const networks = execFileSync('docker', ['network', 'ls', '-q', '--filter', `label=berth.cluster=${cluster}`], { encoding: 'utf8' }).split('\n').filter((l) => l !== '');
  if (networks.length > 0) execFileSync('docker', ['network', 'rm', ...networks]);
}

/** The drill block of a scenario card, once it shows a verdict. */
async function drillOf(frame: Frame, lost: string): Promise<{ verdict: string; head: string; rows: string[] } | undefined> {
  return frame.evaluate((l) => {
    const card = document.querySelector(`#root .scenario[data-lost="${CSS.escape(l)}"] .drill`);
    if (!card) return undefined;
    return {
      verdict: card.getAttribute('data-verdict') ?? '',
      head: card.querySelector('.drill-head')?.textContent ?? '',
      rows: Array.from(card.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '').join(' ')),
    };
  }, lost);
}

async function clickNotificationButton(page: Page, message: RegExp, button: string, ms: number): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: message }).first();
  await toast.waitFor({ state: 'visible', timeout: ms });
  const said = (await toast.locator('.notification-list-item-message').textContent()) ?? '';
  const target = toast.locator('.monaco-button', { hasText: button }).first();
  // A progress toast's message changes while it runs, and its text can overlap the button for a
  // moment (Playwright then sees the click intercepted): the button's own click event is the same
  // action, so it is sent directly when a pointer click does not land within 5 s.
  await target.click({ timeout: 5_000 }).catch(() => target.dispatchEvent('click'));
  return said;
}

export async function runDrillUiTest(o: DrillUiOptions): Promise<void> {
  const cluster = `drillui${process.pid}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-drill-ui-'));
  const source = path.join(o.root, 'examples', 'seed-preempt');
  writeFileSync(path.join(dir, 'seed.cluster.yaml'), readFileSync(path.join(source, 'seed.cluster.yaml'), 'utf8').replace(/^name: seed$/m, `name: ${cluster}`).replace(/^ {2}image: .*$/m, `  image: ${o.image}`));
  writeFileSync(path.join(dir, 'seed-preempt.job.yaml'), readFileSync(path.join(source, 'seed-preempt.job.yaml'), 'utf8'));
  const vsix = path.join(o.output, 'berth.vsix');
  // The UI test's VSIX when it was packaged from this build, else a new one.
  const fresh = existsSync(vsix) && statSync(vsix).mtimeMs >= statSync(path.join(o.root, 'dist', 'extension.js')).mtimeMs;
  const { extensionsDir, userDataDir } = prepareProfile(o.install, fresh ? vsix : packageVsix(o.root, o.output));
  const ms = Math.min(o.timeoutMs, 90_000);
  let server: Awaited<ReturnType<typeof startCodeServer>> | undefined;
  let page: Page | undefined;
  try {
    removeLeftovers(cluster);
    berth(o.root, dir, 'deploy', 'seed-preempt.job.yaml', '--image', o.image);
    console.log(`  deployed seed-preempt to cluster ${cluster} with berth deploy (no controller runs for it)`);
    server = await startCodeServer(o.install, { folder: dir, extensionsDir, userDataDir, smokeTestDriver: false, logFile: path.join(o.output, 'code-server-drill.log') });
    page = await o.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const p = page;
    await p.goto(`${server.url}/?folder=${encodeURIComponent(dir)}`);
    await p.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: ms });
    // From the explorer (quick open's file search can take longer than a deadline on a loaded machine).
    await p.locator('.explorer-folders-view .monaco-list-row', { hasText: 'seed-preempt.job.yaml' }).first().click({ timeout: ms });
    await p.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: ms });
    await poll('the Deploy lens, the node2 failover lens and its Drill lens on screen', async () => {
      const t = await text(p, '.monaco-editor .codelens-decoration');
      return /Deploy/.test(t) && /if node2 fails/.test(t) && /Drill/.test(t) ? t : undefined;
    }, ms);

    // The Drill lens right after the node2 scenario's lens (found by its neighbour: lenses re-render as the analysis completes).
    const drillLens = p.locator('.monaco-editor .codelens-decoration a', { hasText: /^if.node2.fails/ }).first().locator('xpath=following::a[1]');
    const title = await drillLens.textContent({ timeout: ms });
    if (title !== 'Drill') throw new Error(`the lens after "if node2 fails" is "${title ?? ''}", not Drill`);
    await drillLens.click({ timeout: ms });
    const asked = await clickNotificationButton(p, /no failover controller runs/, 'Run Controller Here', ms);
    console.log(`  ✔ the drill says: ${asked}`);

    const summary = await clickNotificationButton(p, /Drill: /, 'Show', ms);
    if (!/^Berth: Drill: 1\/1 scenario passed \(p50 \d+\.\d s, max \d+\.\d s\)$/.test(summary)) throw new Error(`the summary notification says "${summary}"`);
    console.log(`  ✔ summary notification: ${summary}`);

    const frame = await poll('the placement view', () => placementFrame(p), ms);
    const drill = await poll('the drill result beside the node2 scenario', () => drillOf(frame, 'node2'), ms);
    if (drill.verdict !== 'pass' || !/^Drill: PASS · \d+\.\d s · /.test(drill.head)) throw new Error(`the node2 scenario shows ${JSON.stringify(drill)}`);
    // seed-preempt: node2's loss moves task2 to node3, evicting task3, which waits (no node has room).
    if (drill.rows.join(' | ') !== 'task2 node3 node3 | task3 no node waiting') throw new Error(`the drill's predicted vs observed rows: ${drill.rows.join(' | ')}`);
    console.log(`  ✔ placement view: ${drill.head}; ${drill.rows.join(' | ')}`);
    const status = JSON.parse(berth(o.root, dir, 'status', cluster, '--json', '--no-usage')) as { nodes: { name: string; state: string }[] };
    if (!status.nodes.every((n) => n.state === 'running')) throw new Error(`after the drill the nodes are ${status.nodes.map((n) => `${n.name} ${n.state}`).join(', ')}`);
    console.log('  ✔ every node is running again');
    await frame.evaluate(() => document.querySelector('#root .scenario[data-lost="node2"]')?.scrollIntoView({ block: 'center' }));
    const shots = [path.join(o.root, 'test-output', 'editor', 'placement-drill.png'), ...(process.env['BERTH_UPDATE_SCREENSHOTS'] === '1' ? [path.join(o.root, 'media', 'screenshots', 'placement-drill.png')] : [])];
    for (const shot of shots) {
      mkdirSync(path.dirname(shot), { recursive: true });
      await p.screenshot({ path: shot });
      console.log(`  screenshot ${path.relative(o.root, shot)}`);
    }

    // From the view: every node, cancelled while the first scenario waits for the controller; the node comes back.
    // The view is rebuilt when the plan or the live cluster changes (the cluster is still settling
    // after the first drill): a pointer click whose mouse down and up fall on two builds starts
    // nothing, so when no drill progress shows within 15 s the button's click event is sent.
    const everyNode = frame.locator('button.drill-run', { hasText: 'Drill every node' });
    await everyNode.click({ timeout: ms });
    const progress = p.locator('.notifications-toasts .notification-toast', { hasText: /Berth: drill seed-preempt/ }).first();
    if (!(await progress.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false))) {
      console.log('  (the pointer click on "Drill every node" started nothing: sending its click event)');
      await everyNode.dispatchEvent('click');
    }
    const cancelled = await clickNotificationButton(p, /waiting for the controller/, 'Cancel', ms);
    console.log(`  ✔ cancelled at: ${cancelled}`);
    const after = await poll('the summary of the cancelled drill', async () => {
      const said = await p.locator('.notifications-toasts .notification-list-item-message', { hasText: /Drill cancelled/ }).first().textContent().catch(() => null);
      return said ?? undefined;
    }, ms);
    // The progress read just before the click names scenario k of n: the k-1 before it finished, and
    // more may finish before the click takes effect (a scenario takes about 2 s, the click up to 5 s
    // when the changing progress text covers the button) — but not all n, or nothing was cancelled.
    const at = /(\d+)\/(\d+) [^:]+: waiting for the controller/.exec(cancelled);
    if (!at) throw new Error(`the cancelled progress names no scenario: ${cancelled}`);
    const [finishedBefore, total] = [Number(at[1]) - 1, Number(at[2])];
    const prefix = 'Berth: Drill cancelled, the nodes it stopped are back: ';
    const passed = /^(\d+)\/\1 scenarios? passed/.exec(after.slice(prefix.length));
    const finished = after.startsWith(`${prefix}no scenario finished`) ? 0 : passed ? Number(passed[1]) : -1;
    if (!after.startsWith(prefix) || finished < finishedBefore || finished >= total) throw new Error(`after Cancel at "${cancelled}" the notification says "${after}"`);
    const back = JSON.parse(berth(o.root, dir, 'status', cluster, '--json', '--no-usage')) as { nodes: { name: string; state: string }[] };
    if (!back.nodes.every((n) => n.state === 'running')) throw new Error(`after Cancel the nodes are ${back.nodes.map((n) => `${n.name} ${n.state}`).join(', ')}`);
    console.log(`  ✔ ${after}; every node is running`);
  } catch (e) {
    await page?.screenshot({ path: path.join(o.output, 'drill-failure.png') }).catch((err: unknown) => console.error(`  (no failure screenshot: ${String(err)})`));
    throw e;
  } finally {
    await page?.close();
    server?.stop();
    try {
      berth(o.root, dir, 'down', cluster);
    } finally {
      removeLeftovers(cluster);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
