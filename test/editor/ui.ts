/**
 * The UI test: package the VSIX, install it into code-server as a user would, open the seed job
 * in Chromium, and check on screen that the placement hints, the failover warning and the
 * placement view appear. Screenshots go to test-output/editor/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { installExtension, startCodeServer, type Installation } from './codeServer';

export interface UiTestOptions {
  readonly root: string;
  readonly install: Installation;
  readonly browser: Browser;
  readonly output: string;
  readonly timeoutMs: number;
}

export function packageVsix(root: string, output: string): string {
  const vsix = path.join(output, 'berth.vsix');
  const r = spawnSync(path.join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '-o', vsix], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vsce package exited with ${r.status ?? r.signal}`);
  console.log(`  packaged ${path.relative(root, vsix)} (${Math.round(statSync(vsix).size / 1024)} KiB)`);
  return vsix;
}

export async function poll<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`within ${ms} ms, never: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Text on screen under `selector`, including CSS-generated content (Monaco draws inlay hints that way). */
export async function text(page: Page, selector: string): Promise<string> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    const pseudo = (el: Element, which: '::before' | '::after'): string => {
      const c = getComputedStyle(el, which).content;
      return c && c !== 'none' && c !== 'normal' ? c.replace(/^"|"$/g, '').replace(/\\"/g, '"') : '';
    };
    for (const root of Array.from(document.querySelectorAll(sel))) {
      const walk = (el: Element): void => {
        out.push(pseudo(el, '::before'));
        for (const child of Array.from(el.childNodes)) {
          if (child.nodeType === Node.TEXT_NODE) out.push(child.textContent ?? '');
          else if (child instanceof Element) walk(child);
        }
        out.push(pseudo(el, '::after'));
      };
      walk(root);
      out.push('\n');
    }
    return out.join('').replace(/\u00a0/g, ' ');
  }, selector);
}

/** The placement view's page: a frame (inside the webview's host iframe) with `#root`. */
export async function placementFrame(page: Page): Promise<Frame | undefined> {
  for (const frame of page.frames()) {
    const nodes = await frame.$$eval('#root .node h3', (els) => els.map((e) => e.textContent ?? '')).catch(() => undefined);
    if (nodes && nodes.length > 0) return frame;
  }
  return undefined;
}

export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
  await page.keyboard.press('Backspace');
  await page.keyboard.type(name);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
}

/** A fresh code-server profile with the VSIX installed and the settings the screenshots use. */
export function prepareProfile(install: Installation, vsix: string): { extensionsDir: string; userDataDir: string } {
  const extensionsDir = mkdtempSync(path.join(tmpdir(), 'berth-ui-ext-'));
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'berth-ui-data-'));
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.tips.enabled': false,
    'editor.inlayHints.enabled': 'on',
    'security.workspace.trust.enabled': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'git.openRepositoryInParentFolders': 'never',
    'git.enabled': false,
  }, null, 2));
  installExtension(install, vsix, extensionsDir, userDataDir);
  return { extensionsDir, userDataDir };
}

export async function runUiTest(o: UiTestOptions): Promise<void> {
  const vsix = packageVsix(o.root, o.output);
  const { extensionsDir, userDataDir } = prepareProfile(o.install, vsix);
  const folder = path.join(o.root, 'examples', 'seed');
  const server = await startCodeServer(o.install, { folder, extensionsDir, userDataDir, smokeTestDriver: false, logFile: path.join(o.output, 'code-server-ui.log') });
  const page = await o.browser.newPage({ viewport: { width: 1600, height: 900 } });
  const shot = async (name: string): Promise<void> => {
    await page.screenshot({ path: path.join(o.output, name) });
    console.log(`  screenshot test-output/editor/${name}`);
  };
  const ms = Math.min(o.timeoutMs, 60_000);
  try {
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: ms });
    await page.locator('.explorer-folders-view, .monaco-workbench .part.sidebar').first().waitFor({ state: 'visible', timeout: ms });
    await openFile(page, 'seed.job.yaml');
    await page.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: ms });

    // Placement hints (inlay hints render inline in the view lines).
    const lines = await poll('inlay hints "→ node1/2/3" on screen', async () => {
      const t = await text(page, '.monaco-editor .view-lines');
      return /→ node1/.test(t) && /→ node2/.test(t) && /→ node3/.test(t) ? t : undefined;
    }, ms);
    console.log(`  ✔ placement hints on screen (${lines.split('\n').filter((l) => l.includes('→')).length} lines with →)`);

    // The failover warning: the job's lens and the scenario lens.
    const lenses = await poll('the failover lenses on screen', async () => {
      const t = await text(page, '.monaco-editor .codelens-decoration');
      return /not failover-safe/.test(t) && /if node2 fails: task2 has no node/.test(t) ? t : undefined;
    }, ms);
    console.log(`  ✔ failover warning on screen: ${lenses.split('\n').find((l) => l.includes('not failover-safe'))?.trim() ?? ''}`);
    await shot('seed-job.png');

    // The placement view, opened from the lens as a user would.
    await page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Plan:' }).first().click();
    const frame = await poll('the placement view with the seed nodes', () => placementFrame(page), ms);
    const nodes = await frame.$$eval('#root .node', (els) => els.map((e) => e.getAttribute('data-node') ?? ''));
    if (nodes.join() !== 'node1,node2,node3') throw new Error(`the placement view shows nodes ${nodes.join()}, expected node1,node2,node3`);
    const scenarios = await frame.$$eval('#root .scenario.bad h3', (els) => els.map((e) => e.textContent ?? ''));
    if (!scenarios.some((s) => s.includes('if node2 fails'))) throw new Error(`the placement view shows no failing node2 scenario (${scenarios.join(' | ')})`);
    console.log(`  ✔ placement view: nodes ${nodes.join(', ')}; failing scenarios: ${scenarios.join(', ')}`);
    await shot('placement-view.png');
  } catch (e) {
    await shot('ui-failure.png').catch((err: unknown) => console.error(`  (no failure screenshot: ${String(err)})`));
    const dom = await page.evaluate(() => document.querySelector('.monaco-editor .view-lines')?.outerHTML ?? '(no editor)').catch((err: unknown) => `(no DOM: ${String(err)})`);
    writeFileSync(path.join(o.output, 'ui-failure-editor.html'), dom);
    throw e;
  } finally {
    await page.close();
    server.stop();
  }
}
