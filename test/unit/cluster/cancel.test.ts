/**
 * `up` and `down` with an AbortSignal, against a fake Docker engine that keeps containers and
 * networks in memory: an up cancelled while it creates nodes removes what it made (and only
 * that); a down cancelled between its steps stops there, and a second down removes the rest.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type Docker from 'dockerode';
import { down } from '../../../client/cluster/down';
import { isClusterError } from '../../../client/cluster/errors';
import { LABEL } from '../../../client/cluster/labels';
import { up } from '../../../client/cluster/up';
import type { ClusterNode, ClusterSpec } from '../../../server/engine/model';

const span = { start: 0, end: 0 };

function node(name: string): ClusterNode {
  return { name, resources: { cpus: 1000, mem: 1024, disk: 0, gpus: 0 }, ports: [], attributes: {}, nameSpan: span, span };
}

const cluster: ClusterSpec = { name: 'cancelt', engine: 'local', defaults: { image: 'img' }, nodes: [node('n1'), node('n2'), node('n3')], nameSpan: span };

interface FakeContainer {
  readonly id: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  running: boolean;
}

const notFound = (): Error => Object.assign(new Error('no such object'), { statusCode: 404 });

/** Containers and networks in memory; `hooks.create` and `hooks.remove` run as each container is created or removed. */
function fakeDocker(hooks: { create?: (name: string) => void; remove?: (name: string) => void } = {}): { docker: Docker; containers: Map<string, FakeContainer>; networks: Map<string, Record<string, string>> } {
  const containers = new Map<string, FakeContainer>();
  const networks = new Map<string, Record<string, string>>();
  let next = 0;
  const byIdOrName = (key: string): FakeContainer | undefined => containers.get(key) ?? [...containers.values()].find((c) => c.id === key);
  const docker = {
    getImage: () => ({ inspect: () => Promise.resolve({}) }),
    listNetworks: (opts: { filters?: { name?: string[]; label?: string[] } }) =>
      Promise.resolve([...networks].filter(([n, labels]) => (opts.filters?.name ? opts.filters.name.includes(n) : opts.filters?.label?.every((l) => labels[l.split('=')[0] ?? ''] === l.split('=')[1]) ?? true)).map(([n, labels]) => ({ Id: n, Name: n, Labels: labels }))),
    createNetwork: (opts: { Name: string; Labels: Record<string, string> }) => {
      networks.set(opts.Name, opts.Labels);
      return Promise.resolve({});
    },
    getNetwork: (id: string) => ({
      remove: () => (networks.delete(id) ? Promise.resolve() : Promise.reject(notFound())),
    }),
    listContainers: (opts: { filters?: { label?: string[] } }) =>
      Promise.resolve(
        [...containers.values()]
          .filter((c) => opts.filters?.label?.every((l) => (l.includes('=') ? c.labels[l.split('=')[0] ?? ''] === l.split('=')[1] : l in c.labels)) ?? true)
          .map((c) => ({ Id: c.id, Names: [`/${c.name}`], Labels: c.labels })),
      ),
    createContainer: (opts: { name: string; Labels: Record<string, string> }) => {
      if (containers.has(opts.name)) return Promise.reject(Object.assign(new Error('conflict'), { statusCode: 409 }));
      containers.set(opts.name, { id: `id${next++}`, name: opts.name, labels: opts.Labels, running: false });
      hooks.create?.(opts.name);
      return Promise.resolve({});
    },
    getContainer: (key: string) => ({
      inspect: () => {
        const c = byIdOrName(key);
        return c ? Promise.resolve({ Config: { Labels: c.labels }, State: { Running: c.running } }) : Promise.reject(notFound());
      },
      start: () => {
        const c = byIdOrName(key);
        if (!c) return Promise.reject(notFound());
        c.running = true;
        return Promise.resolve();
      },
      remove: () => {
        const c = byIdOrName(key);
        if (!c) return Promise.reject(notFound());
        containers.delete(c.name);
        hooks.remove?.(c.name);
        return Promise.resolve();
      },
    }),
  } as unknown as Docker;
  return { docker, containers, networks };
}

test('an up without a signal makes the network and every node; a second up changes nothing', async () => {
  const { docker, containers, networks } = fakeDocker();
  const first = await up(docker, cluster);
  assert.deepEqual(first.nodes.map((n) => n.action), ['created', 'created', 'created']);
  assert.deepEqual([...containers.keys()].sort(), ['cancelt-n1', 'cancelt-n2', 'cancelt-n3']);
  assert.equal(networks.size, 1);
  const again = await up(docker, cluster);
  assert.deepEqual(again.nodes.map((n) => n.action), ['running', 'running', 'running']);
});

test('an up cancelled while it creates the nodes removes the nodes and network it made, and says cluster/cancelled', async () => {
  const abort = new AbortController();
  const { docker, containers, networks } = fakeDocker({ create: () => abort.abort() });
  await assert.rejects(up(docker, cluster, { signal: abort.signal }), (err: unknown) => isClusterError(err, 'cluster/cancelled'));
  assert.deepEqual([...containers.keys()], [], 'no node container is left');
  assert.deepEqual([...networks.keys()], [], 'the network this up made is gone');
});

test('a cancelled up keeps the nodes that were there before it', async () => {
  const abort = new AbortController();
  let cancelOnCreate = false;
  const { docker, containers, networks } = fakeDocker({ create: () => cancelOnCreate && abort.abort() });
  await up(docker, { ...cluster, nodes: [node('n1')] });
  // The next create (n2's or n3's) cancels the up.
  cancelOnCreate = true;
  await assert.rejects(up(docker, cluster, { signal: abort.signal }), (err: unknown) => isClusterError(err, 'cluster/cancelled'));
  assert.deepEqual([...containers.keys()], ['cancelt-n1'], 'n1 was there before: kept');
  assert.equal(networks.size, 1, 'the network was there before: kept');
});

test('an up aborted before it starts makes nothing', async () => {
  const { docker, containers, networks } = fakeDocker();
  await assert.rejects(up(docker, cluster, { signal: AbortSignal.abort() }), (err: unknown) => isClusterError(err, 'cluster/cancelled'));
  assert.equal(containers.size + networks.size, 0);
});

test('a down cancelled after the tasks stops before the nodes; a second down removes the rest', async () => {
  const abort = new AbortController();
  const { docker, containers, networks } = fakeDocker({ remove: () => abort.abort() });
  await up(docker, cluster);
  containers.set('cancelt-web-0', { id: 'task0', name: 'cancelt-web-0', labels: { [LABEL.cluster]: 'cancelt', [LABEL.role]: 'task' }, running: true });
  await assert.rejects(down(docker, 'cancelt', { signal: abort.signal }), (err: unknown) => isClusterError(err, 'cluster/cancelled') && /after removing 1 container/.test(err.message));
  assert.deepEqual([...containers.keys()].sort(), ['cancelt-n1', 'cancelt-n2', 'cancelt-n3'], 'the nodes are left');
  const result = await down(docker, 'cancelt');
  assert.deepEqual(result, { containers: 3, networks: 1 });
  assert.equal(containers.size + networks.size, 0);
});
