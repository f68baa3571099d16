// Lint rules, and the folder boundaries of ARCHITECTURE.md enforced as import restrictions.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const node = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'util', 'process', 'stream', 'events', 'crypto', 'worker_threads'];
const nodeBuiltins = [...node, ...node.map((m) => `node:${m}`)];
const editor = ['vscode', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageclient', 'vscode-languageclient/*', 'vscode-languageserver-textdocument', 'vscode-languageserver-protocol'];

/** `no-restricted-imports` for one folder: forbidden packages and forbidden folders of ours. */
function boundary(files, { packages = [], folders = [] }) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', {
        paths: packages.map((name) => ({ name, message: 'This folder may not import it (see ARCHITECTURE.md).' })),
        patterns: [
          ...packages.filter((p) => p.endsWith('/*')).map((group) => ({ group: [group], message: 'This folder may not import it (see ARCHITECTURE.md).' })),
          ...folders.map((f) => ({ group: [`**/${f}/**`, `**/${f}`], message: `This folder may not import ${f}/ (see ARCHITECTURE.md).` })),
        ],
      }],
    },
  };
}

const seededMessage = 'Draw from the tests\' seed: assertProperty, sampleArbitrary or seededRandom from test/testSeed.ts (FC_SEED).';
/** fast-check's runners and Math.random, whatever fast-check's default import is called. */
const seededOnly = [
  { selector: "CallExpression[callee.property.name=/^(assert|sample|statistics|configureGlobal)$/][callee.object.name!='assert']", message: seededMessage },
  { selector: "CallExpression[callee.object.name='fc'][callee.property.name='check']", message: seededMessage },
  { selector: "MemberExpression[object.name='Math'][property.name='random']", message: seededMessage },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'test-output/**', 'bin/**', '*.mjs', 'tools/**', 'media/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // The engine is pure: nothing of ours, no Node, no editor, no Docker.
  boundary(['server/engine/**/*.ts'], { packages: [...nodeBuiltins, ...editor, 'dockerode'], folders: ['src', 'host', 'client', 'cli'] }),
  { files: ['server/engine/**/*.ts'], rules: { 'no-console': 'error' } },
  // The engine's host on Node (reading files), shared by the server, the Docker layer and the CLI: engine only.
  boundary(['server/host/**/*.ts'], { packages: [...editor, 'dockerode'], folders: ['src', 'client', 'cli'] }),
  { files: ['server/host/**/*.ts'], rules: { 'no-console': 'error' } },
  // The language server: engine only; no Docker, no client; stdout is the protocol.
  boundary(['server/src/**/*.ts'], { packages: ['vscode', 'vscode-languageclient', 'vscode-languageclient/*', 'dockerode'], folders: ['client', 'cli'] }),
  { files: ['server/src/**/*.ts'], rules: { 'no-console': 'error' } },
  // The Docker layer: engine only; no editor.
  boundary(['client/cluster/**/*.ts'], { packages: editor, folders: ['src', 'cli'] }),
  // The extension: engine and the Docker layer; never the server's code (they meet over LSP).
  boundary(['client/src/**/*.ts'], { packages: ['vscode-languageserver', 'vscode-languageserver/*', 'dockerode'], folders: ['server/src', 'cli'] }),
  // The command line: engine and the Docker layer; no editor.
  boundary(['cli/**/*.ts'], { packages: editor, folders: ['server/src', 'client/src'] }),
  // Randomness in tests comes from one seed (test/testSeed.ts: FC_SEED), so that a red run replays.
  {
    files: ['test/**/*.ts'],
    ignores: ['test/testSeed.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...seededOnly],
      'no-restricted-imports': ['error', { paths: [{ name: 'fast-check', importNames: ['assert', 'check', 'sample', 'statistics', 'configureGlobal'], message: seededMessage }] }],
    },
  },
);
