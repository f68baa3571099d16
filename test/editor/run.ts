/**
 * `npm run test:editor`: the integration suite (suite/index.ts) and the UI test (ui.ts) in a real
 * VS Code. With a desktop VS Code at hand (@vscode/test-electron can download one, or
 * BERTH_VSCODE names an executable) the suite runs there; otherwise, and always in CI here, in
 * code-server driven by Chromium. In CI (`CI=true`) a missing browser or editor fails the run.
 * Exits non-zero on any failure; stops only the processes it started.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ensureCodeServer, startCodeServer, type Installation } from './codeServer';
import { runDrillUiTest } from './drillUi';
import { runUiTest } from './ui';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SUITE = path.join(ROOT, 'out', 'test', 'editor', 'suite', 'index.js');
const OUTPUT = path.join(ROOT, 'test-output', 'editor');
const TIMEOUT_MS = Number(process.env.BERTH_EDITOR_TIMEOUT_MS ?? 240_000);
const CI = process.env.CI === 'true' || process.env.CI === '1';
/** The suite's cluster steps need a real Docker engine and the local test image (test/docker/image.ts builds it). */
const TEST_IMAGE_SCRIPT = path.join(ROOT, 'out', 'test', 'docker', 'image.js');

/** Builds the local test image with the Docker tests' helper; a missing engine fails the run (nothing skips). */
function ensureTestImage(): string {
  const r = spawnSync(process.execPath, [TEST_IMAGE_SCRIPT], { encoding: 'utf8' });
  const m = /^image (\S+) ready$/m.exec(r.stdout ?? '');
  if (r.status !== 0 || !m?.[1]) throw new Error(`the local test image could not be built (is Docker running? see ENVIRONMENT.md): ${r.stderr || r.stdout}`);
  return m[1];
}

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `berth-${prefix}-`));
}

/** The desktop path: only when a VS Code executable is already there (this machine is offline). */
async function runWithDesktopVsCode(executable: string, image: string): Promise<void> {
  const { runTests } = await import('@vscode/test-electron');
  await runTests({ vscodeExecutablePath: executable, extensionDevelopmentPath: ROOT, extensionTestsPath: SUITE, extensionTestsEnv: { BERTH_TEST_IMAGE: image }, launchArgs: [ROOT, '--disable-extensions', '--disable-workspace-trust'] });
}

/** A desktop VS Code from @vscode/test-electron's download, or undefined when it cannot be had (offline here). */
async function tryDownloadVsCode(): Promise<string | undefined> {
  if (process.env.BERTH_EDITOR === 'code-server') return undefined;
  const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
  try {
    return await withTimeout(downloadAndUnzipVSCode({ version: 'stable', cachePath: path.join(ROOT, '.cache', 'vscode-test') }), 60_000, 'VS Code download');
  } catch (e) {
    console.log(`No desktop VS Code (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); using code-server.`);
    return undefined;
  }
}

function remote(p: string): string {
  return `vscode-remote://remote${p}`;
}

/** The suite through code-server's smoke-test driver: the page reports the run's log and exit code. */
async function runSuiteInCodeServer(install: Installation, browser: Browser, image: string): Promise<void> {
  const server = await startCodeServer(install, {
    folder: ROOT,
    extensionsDir: tempDir('ext'),
    userDataDir: tempDir('data'),
    smokeTestDriver: true,
    logFile: path.join(OUTPUT, 'code-server-suite.log'),
  });
  const page = await browser.newPage();
  try {
    const exit = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    await page.exposeFunction('codeAutomationLog', (level: string, args: unknown[]) => {
      const text = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      // Offline noise (gallery and telemetry lookups) is not the suite's.
      if (/marketplace|gallery|telemetry|ERR_NAME_NOT_RESOLVED|getaddrinfo/i.test(text)) return;
      if (level === 'error' || /✘|✔|METRIC|Berth editor/.test(text)) console.log(`  [vscode ${level}] ${text}`);
    });
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(SUITE)],
      ['extensionEnvironment', JSON.stringify({ BERTH_TEST_IMAGE: image })],
    ]);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(ROOT)}&payload=${encodeURIComponent(payload)}`);
    const code = await withTimeout(exit, TIMEOUT_MS, 'the integration suite did not finish');
    if (code !== 0) {
      await page.screenshot({ path: path.join(OUTPUT, 'suite-failure.png') });
      throw new Error(`the integration suite failed (exit ${code})`);
    }
  } finally {
    await page.close();
    server.stop();
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)))]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function main(): Promise<number> {
  mkdirSync(OUTPUT, { recursive: true });
  if (!existsSync(SUITE)) throw new Error(`${SUITE} is missing: run tsc -b first`);
  if (!existsSync(path.join(ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run node build.mjs first');
  const only = process.argv.includes('--suite') ? 'suite' : process.argv.includes('--ui') ? 'ui' : process.argv.includes('--drill') ? 'drill' : 'both';

  // The suite's cluster steps and the drill UI test run on Docker.
  const image = ensureTestImage();
  const desktop = process.env.BERTH_VSCODE ?? (only !== 'ui' && only !== 'drill' ? await tryDownloadVsCode() : undefined);
  if (desktop && only !== 'ui' && only !== 'drill') {
    console.log(`Integration suite in desktop VS Code: ${desktop}`);
    await runWithDesktopVsCode(desktop, image);
    if (only === 'suite') return 0;
  }
  if (!existsSync(CHROMIUM)) {
    const message = `Chromium is missing at ${CHROMIUM} (apt-get install -y chromium)`;
    if (CI) throw new Error(message);
    console.log(`SKIP editor tests: ${message}; CI=true makes this a failure.`);
    return 0;
  }
  const install = ensureCodeServer(path.join(ROOT, '.cache', 'editor'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const timings: string[] = [];
  try {
    if (!desktop && only !== 'ui' && only !== 'drill') {
      const t = Date.now();
      console.log('Integration suite in code-server + Chromium');
      await runSuiteInCodeServer(install, browser, image);
      timings.push(`suite ${Date.now() - t} ms`);
    }
    if (only === 'both' || only === 'ui') {
      const t = Date.now();
      console.log('UI test: the packaged VSIX in code-server + Chromium');
      await runUiTest({ root: ROOT, install, browser, output: OUTPUT, timeoutMs: TIMEOUT_MS });
      timings.push(`ui ${Date.now() - t} ms`);
    }
    if (only !== 'suite') {
      const t = Date.now();
      console.log('Drill UI test: a failover drill from the Drill lens, its result in the placement view');
      await runDrillUiTest({ root: ROOT, install, browser, output: OUTPUT, timeoutMs: TIMEOUT_MS, image });
      timings.push(`drill ${Date.now() - t} ms`);
    }
  } finally {
    await browser.close();
  }
  writeFileSync(path.join(OUTPUT, 'timings.txt'), `${timings.join('\n')}\n`);
  console.log(`Editor tests passed (${timings.join(', ')})`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`Editor tests failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
