/**
 * The schema validators are compiled ahead of time (tools/generateValidators.mjs): the committed
 * file must be what the schemas give now, and it must judge as ajv compiling the schemas would.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import Ajv, { type ValidateFunction } from 'ajv';
import * as generated from '../../../server/engine/spec/schemaValidators.generated';
import { LIST_KEY } from '../../../server/engine/spec/validateSchema';

const ROOT = path.join(__dirname, '..', '..', '..', '..');

describe('the generated schema validators', () => {
  it('are what the schemas give (npm run generate writes them)', () => {
    // Exit 1 and a message when stale; execFileSync throws on a non-zero exit.
    execFileSync(process.execPath, [path.join(ROOT, 'tools', 'generateValidators.mjs'), '--check'], { encoding: 'utf8' });
  });

  it('judge documents as ajv compiling the schema does, errors included', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    const cases: [string, unknown[]][] = [
      ['cluster', [{}, { apiVersion: 'berth/v1', kind: 'Cluster', name: 'c', nodes: [{ name: 'n1', resources: { cpus: 2, mem: '4Gi' } }] }, { apiVersion: 'berth/v2', kind: 'Cluster', name: 1, nodes: [{ nam: 'x' }], extra: true }]],
      ['job', [{}, { apiVersion: 'berth/v1', kind: 'Job', name: 'j', cluster: './c.cluster.yaml', tasks: [{ name: 't', cpus: 1, mem: '1Gi' }] }, { apiVersion: 'berth/v1', kind: 'Job', name: 'j', tasks: [{ name: 't', cpus: -1, priority: 'high', dependsOn: 'x' }] }]],
    ];
    const validators = generated as unknown as Record<string, ((d: unknown) => boolean) & { errors?: unknown }>;
    const same = (ours: ((d: unknown) => boolean) & { errors?: unknown }, compiled: ValidateFunction, doc: unknown, what: string): void => {
      assert.equal(ours(doc), compiled(doc), `${what}: ${JSON.stringify(doc)}`);
      assert.deepEqual(JSON.parse(JSON.stringify(ours.errors ?? null)), JSON.parse(JSON.stringify(compiled.errors ?? null)), `${what}: ${JSON.stringify(doc)}`);
    };
    for (const [file, docs] of cases) {
      const kind = file === 'cluster' ? 'Cluster' : 'Job';
      const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', `${file}.schema.json`), 'utf8')) as { $id?: string; properties: Record<string, { items?: object }> };
      // The parts validateSchema checks chunked documents by: the list's items apart from the rest.
      const list = LIST_KEY[kind];
      const rootPart = structuredClone(schema);
      delete rootPart.properties[list]?.items;
      delete rootPart.$id;
      const itemPart = schema.properties[list]?.items;
      assert.ok(itemPart, `the ${kind} schema has ${list} items`);
      const whole = ajv.compile(schema);
      const root = ajv.compile(rootPart);
      const item = ajv.compile(itemPart);
      for (const doc of docs) {
        same(validators[`${kind}_whole`], whole, doc, 'whole');
        same(validators[`${kind}_root`], root, doc, 'root');
        const items = (doc as Record<string, unknown>)[list];
        if (Array.isArray(items)) for (const it of items) same(validators[`${kind}_item`], item, it, 'item');
      }
    }
  });
});
