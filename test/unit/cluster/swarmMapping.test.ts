/**
 * The Swarm engine's pure mappings: a task record as a service spec (pin, reservations scaled to a
 * node's real capacity, limits clamped, ports, restart policy, a waiting task), an existing swarm
 * checked against the cluster file (every failing node named), and the stack export.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { TaskRecord } from '../../../client/cluster/labels';
import { checkNodes } from '../../../client/cluster/swarm/existing';
import type { SwarmNodeInfo } from '../../../client/cluster/swarm/nodeLabels';
import { resourcesOf, serviceSpec } from '../../../client/cluster/swarm/services';
import { toStack } from '../../../client/cluster/swarm/stack';
import type { ClusterNode, ClusterSpec, JobSpec, TaskSpec } from '../../../server/engine/model';

const span = { start: 0, end: 0 };

function record(cpus: number, mem: number, extra: Partial<TaskRecord> = {}): TaskRecord {
  return {
    instance: { id: 'web/api-0', job: 'web', task: 'api', name: 'api-0', index: 0, priority: 100, resources: { cpus, mem, disk: 0, gpus: 0 }, ports: { dynamic: 0, fixed: [] }, dependsOn: [], constraints: [] },
    order: 0,
    strategy: 'binpack',
    preemption: false,
    image: 'img:1',
    command: ['sh', '-c', 'serve'],
    env: { MODE: 'dev' },
    restart: 'on-failure',
    ...extra,
  };
}

test('a placed task is a service of one replica pinned to its node, with argv, env, ports in host mode and its restart policy', () => {
  const spec = serviceSpec({ cluster: 'dev', record: record(1000, 512), node: 'node2', ports: [31000], restarts: 0 }, undefined) as {
    Name: string;
    Labels: Record<string, string>;
    TaskTemplate: { ContainerSpec: { Args: string[]; Env: string[] }; Placement: { Constraints: string[] }; RestartPolicy: { Condition: string } };
    Mode: { Replicated: { Replicas: number } };
    EndpointSpec: { Ports: { PublishedPort: number; PublishMode: string }[] };
  };
  assert.equal(spec.Name, 'dev-web-api-0');
  assert.deepEqual(spec.TaskTemplate.Placement.Constraints, ['node.labels.berth.node==node2']);
  assert.equal(spec.Mode.Replicated.Replicas, 1);
  assert.deepEqual(spec.TaskTemplate.ContainerSpec.Args, ['sh', '-c', 'serve']);
  assert.ok(spec.TaskTemplate.ContainerSpec.Env.includes('BERTH_NODE=node2') && spec.TaskTemplate.ContainerSpec.Env.includes('PORT0=31000') && spec.TaskTemplate.ContainerSpec.Env.includes('MODE=dev'));
  assert.deepEqual(spec.EndpointSpec.Ports.map((p) => [p.PublishedPort, p.PublishMode]), [[31000, 'host']]);
  assert.equal(spec.TaskTemplate.RestartPolicy.Condition, 'on-failure');
  assert.equal(spec.Labels['berth.task'], 'api-0');
  assert.equal(spec.Labels['berth.node'], 'node2');
});

test('a waiting task has no replica and no pin, and says it waits', () => {
  const spec = serviceSpec({ cluster: 'dev', record: record(1000, 512), node: '', ports: [], restarts: 0, from: 'node2' }, undefined) as { Labels: Record<string, string>; TaskTemplate: { Placement: { Constraints: string[] } }; Mode: { Replicated: { Replicas: number } } };
  assert.equal(spec.Mode.Replicated.Replicas, 0);
  assert.deepEqual(spec.TaskTemplate.Placement.Constraints, []);
  assert.equal(spec.Labels['berth.waiting'], 'true');
  assert.equal(spec.Labels['berth.from'], 'node2');
});

test('reservations are the logical amounts where the node has them, scaled by real/logical where it does not, and never sum above the real node', () => {
  const real = { nanoCpus: 2e9, memoryBytes: 4 * 1024 ** 3, cpus: 2000, mem: 4096 };
  assert.deepEqual(resourcesOf(record(1500, 1024), real).Reservations, { NanoCPUs: 1.5e9, MemoryBytes: 1024 * 1024 ** 2 });
  // A node the file says has 4 cpus and 8Gi, on a machine with 2 and 4Gi: half of every reservation.
  const small = { nanoCpus: 2e9, memoryBytes: 4 * 1024 ** 3, cpus: 4000, mem: 8192 };
  const tasks = [record(3000, 6144), record(1000, 2048)];
  const res = tasks.map((t) => resourcesOf(t, small));
  assert.deepEqual(res[0]?.Reservations, { NanoCPUs: 1.5e9, MemoryBytes: 3 * 1024 ** 3 });
  const sumCpu = res.reduce((a, r) => a + Number(r.Reservations['NanoCPUs']), 0);
  const sumMem = res.reduce((a, r) => a + Number(r.Reservations['MemoryBytes']), 0);
  assert.ok(sumCpu <= small.nanoCpus && sumMem <= small.memoryBytes, 'a full logical node fits the real one');
  assert.equal(res[0]?.Limits['NanoCPUs'], 2e9, 'the cpu limit is clamped to the real node');
});

function swarmNode(hostname: string, cpus: number, memMiB: number, state = 'ready'): SwarmNodeInfo {
  return { ID: hostname, Version: { Index: 1 }, Spec: { Role: 'worker', Availability: 'active' }, Description: { Hostname: hostname, Resources: { NanoCPUs: cpus * 1e9, MemoryBytes: memMiB * 1024 * 1024 } }, Status: { State: state } };
}

function clusterNode(name: string, cpus: number, mem: number, swarmNode?: string): ClusterNode {
  return { name, resources: { cpus, mem, disk: 0, gpus: 0 }, ports: [], attributes: {}, nameSpan: span, span, ...(swarmNode ? { swarmNode } : {}) };
}

function clusterOf(nodes: ClusterNode[]): ClusterSpec {
  return { name: 'prod', engine: 'swarm', defaults: {}, nodes, nameSpan: span };
}

test('an existing swarm is checked against the file: a missing node, one not Ready and one too small are each named', () => {
  const swarm = [swarmNode('a', 4, 8192), swarmNode('b', 2, 8192, 'down'), swarmNode('c', 1, 1024), swarmNode('worker-9', 4, 8192)];
  const problems = checkNodes(clusterOf([clusterNode('a', 4000, 8192), clusterNode('b', 1000, 1024), clusterNode('c', 2000, 2048), clusterNode('d', 1000, 1024), clusterNode('e', 1000, 1024, 'worker-9')]), swarm);
  assert.deepEqual(problems, [
    'b: not Ready (its state is down)',
    'c: has less than the file gives it (cpus 1 < 2, mem 1Gi < 2Gi)',
    'd: the swarm has no node of that hostname',
  ]);
});

test('the stack export pins each placed instance to its planned node with its reservations and host-mode ports', () => {
  const task = (name: string, cpus: number): TaskSpec =>
    ({ name, resources: { cpus, mem: 256, disk: 0, gpus: 0 }, ports: { dynamic: 0, fixed: [] }, priority: 100, instances: 1, dependsOn: [], constraints: [], env: {}, restart: 'never', nameSpan: span, span } as unknown as TaskSpec);
  const cluster = clusterOf([clusterNode('n1', 1000, 1024), clusterNode('n2', 1000, 1024)]);
  const job = { name: 'web', cluster: { name: 'prod', span }, strategy: 'binpack', preemption: false, failover: { tolerate: 1, domains: [], domainSpans: [] }, tasks: [task('a', 1000), task('b', 1000), task('c', 1000)], nameSpan: span } as unknown as JobSpec;
  const doc = parse(toStack(cluster, job, 'img:1')) as { services: Record<string, { deploy: { replicas: number; placement?: { constraints: string[] }; resources: { reservations: { cpus?: string } } } }> };
  const pins = Object.entries(doc.services).map(([n, s]) => [n, s.deploy.replicas, s.deploy.placement?.constraints[0] ?? '']);
  assert.deepEqual(pins, [
    ['web-a', 1, 'node.labels.berth.node==n1'],
    ['web-b', 1, 'node.labels.berth.node==n2'],
    ['web-c', 0, ''],
  ]);
  assert.equal(doc.services['web-a']?.deploy.resources.reservations.cpus, '1');
});
