// Bundles the command line, the language server and the extension with esbuild.
// `tsc -b` only type-checks and feeds the tests; what ships and what `npx berth` runs is bundled here.
// What the VSIX ships is minified, names kept (the source maps stay in dist/ for debugging a clone).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

// dockerode's ssh transport (ssh2) loads optional native addons inside try/catch: leave them out of bundles.
const nativeOptional = ['*.node', 'cpu-features'];
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', external: nativeOptional };
const entries = [
  { entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js' },
  // The server's entry is small and loads the rest (dist/threads.js) only after it has started the
  // analysis thread, so that both threads compile and load the rest at once (main.ts).
  { entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js', external: ['./threads'], minify: true, keepNames: true },
  { entryPoints: ['server/src/threads.ts'], outfile: 'dist/threads.js', minify: true, keepNames: true },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', ...nativeOptional], minify: true, keepNames: true },
].filter((e) => existsSync(e.entryPoints[0]));

await Promise.all(entries.map((e) => build({ ...common, ...e })));
