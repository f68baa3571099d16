/** The cluster file's engine fields in the editor: completion of `engine:`, hover from the schema, and the schema's checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompletionList, Hover, MarkupContent } from 'vscode-languageserver';
import { SCHEMAS } from '../../server/engine/spec/validateSchema';
import { repoRoot } from '../unit/spec/repoRoot';
import { startInMemory, uriOf } from './harness';

const seedCluster = readFileSync(join(repoRoot(), 'examples', 'seed', 'seed.cluster.yaml'), 'utf8');
const PATH = '/ws/seed.cluster.yaml';
const schema = SCHEMAS.Cluster as { properties: Record<string, { description: string }> };

function at(text: string, needle: string, delta: number): { line: number; character: number } {
  const offset = text.indexOf(needle) + delta;
  assert.ok(offset >= delta, `"${needle}" not in the text`);
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
}

test('engine: completes local and swarm, hovers with its description, and a wrong value is an error at the value', async () => {
  const { client } = await startInMemory('/ws', { [PATH]: seedCluster });
  const typing = seedCluster.replace('name: seed\n', 'name: seed\nengine: \n');
  await client.open(PATH, typing);
  await client.diagnostics(PATH);
  const list = await client.request<CompletionList | null>('textDocument/completion', { textDocument: { uri: uriOf(PATH) }, position: at(typing, 'engine: ', 'engine: '.length) });
  const labels = (list?.items ?? []).map((i) => i.label);
  assert.ok(labels.includes('local') && labels.includes('swarm'), `engine values offered: ${labels.join(', ')}`);

  const swarm = seedCluster.replace('name: seed\n', 'name: seed\nengine: swarm\nswarm: { manager: "unix:///var/run/docker.sock" }\n').replace('  - name: node2\n', '  - name: node2\n    swarm: { node: worker-2 }\n');
  await client.change(PATH, [{ text: swarm }]);
  const clean = await client.diagnostics(PATH);
  assert.deepEqual(clean.diagnostics.filter((d) => d.severity === 1), [], 'engine, swarm.manager and swarm.node are valid');
  const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf(PATH) }, position: at(swarm, 'engine:', 2) });
  assert.ok((h?.contents as MarkupContent | undefined)?.value.includes(schema.properties['engine']?.description.slice(0, 40) ?? '?'), 'hover shows the schema description');

  const wrong = seedCluster.replace('name: seed\n', 'name: seed\nengine: kubernetes\n');
  await client.change(PATH, [{ text: wrong }]);
  const errors = (await client.diagnostics(PATH)).diagnostics.filter((d) => d.severity === 1);
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.deepEqual(errors[0]?.range.start, at(wrong, 'kubernetes', 0));
  await client.shutdown();
});
