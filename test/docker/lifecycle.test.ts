/** up, deploy, status, logs, down on the real engine, for both examples. */
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { LABEL, clusterStatus, deploy, down, findTask, startStatsSampler, streamLogs, up, type StatsSnapshot } from '../../client/cluster';
import { analyzeCluster } from '../../server/engine/analysis/analyzeCluster';
import { cleanUp, getEngine, loadExample, uniqueName, waitFor, type Engine } from './harness';

function fetchText(address: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`http://${address}/`, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

async function logsOf(e: Engine, id: string): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  await streamLogs(e.docker, id, out, out);
  return text;
}

for (const example of ['examples/seed/seed.job.yaml', 'examples/webstack/webstack.job.yaml']) {
  describe(`cluster lifecycle: ${example}`, async () => {
    const env = await getEngine();
    const skip = typeof env === 'string' ? env : false;
    const name = uniqueName('life');
    after(() => cleanUp(env, name));
    let e: Engine;
    const specs = loadExample(example, name);
    const job = specs.jobs[0];
    before(() => {
      if (typeof env !== 'string') e = env;
    });

    it('up creates one labelled node container per node, idempotently', { skip }, async () => {
      const first = await up(e.docker, specs.cluster, { image: e.image });
      assert.deepEqual(first.nodes.map((n) => n.action), specs.cluster.nodes.map(() => 'created'));
      const again = await up(e.docker, specs.cluster, { image: e.image });
      assert.deepEqual(again.nodes.map((n) => n.action), specs.cluster.nodes.map(() => 'running'));
      const list = await e.docker.listContainers({ filters: { label: [`${LABEL.cluster}=${name}`, `${LABEL.role}=node`] } });
      assert.deepEqual(list.map((c) => c.Names[0]).sort(), specs.cluster.nodes.map((n) => `/${name}-${n.name}`).sort());
      const info = await e.docker.getContainer(`${name}-${specs.cluster.nodes[0]?.name ?? ''}`).inspect();
      assert.equal(info.Config.Hostname, specs.cluster.nodes[0]?.name);
      assert.equal(info.HostConfig.Privileged, false);
      const hostPorts = first.nodes.flatMap((n) => [...n.ports.values()]);
      assert.equal(new Set(hostPorts).size, hostPorts.length, 'host ports collide');
    });

    it('deploy places tasks as the allocator plans and starts them', { skip }, async () => {
      assert.ok(job);
      const progress: string[] = [];
      const result = await deploy(e.docker, specs.cluster, job, { image: e.image, onProgress: (p) => p.kind === 'task' && progress.push(`${p.task}:${p.state}`) });
      const plan = analyzeCluster(specs.cluster, [job], { failover: false }).plan;
      for (const [id, r] of plan.tasks) {
        const deployed = result.tasks.find((t) => t.id === id);
        assert.equal(deployed?.node, r.kind === 'placed' ? r.node : '', `${id} runs where the plan says`);
      }
      assert.ok(progress.some((p) => p.endsWith(':running')));
      const again = await deploy(e.docker, specs.cluster, job, { image: e.image });
      assert.ok(again.tasks.every((t) => t.action === 'kept'), 'a second deploy keeps every task');
    });

    it('status shows nodes, tasks, allocation and port addresses', { skip }, async () => {
      const s = await clusterStatus(e.docker, name, { usage: true });
      assert.equal(s.nodes.length, specs.cluster.nodes.length);
      assert.ok(s.tasks.length > 0 && s.tasks.every((t) => t.state === 'running' || t.state === 'exited'));
      const allocated = s.nodes.reduce((a, n) => a + n.allocated.cpus, 0);
      assert.equal(allocated, s.tasks.filter((t) => t.state === 'running').reduce((a, t) => a + t.resources.cpus, 0));
      const api = s.tasks.find((t) => t.task === 'api-0');
      if (api) {
        const address = api.addresses.find((a) => a.port === 8080)?.address;
        assert.ok(address, 'api-0 has a host address for 8080');
        assert.equal((await fetchText(address)).trim(), 'api');
      }
    });

    it('the stats sampler reports every running container while started', { skip }, async () => {
      const s = await clusterStatus(e.docker, name);
      const running = s.nodes.filter((n) => n.state === 'running').length + s.tasks.filter((t) => t.state === 'running').length;
      let last: StatsSnapshot | undefined;
      const errors: unknown[] = [];
      const sampler = startStatsSampler(e.docker, name, 200, (snap) => (last = snap), (err) => errors.push(err));
      try {
        await waitFor(`a snapshot with all ${running} running containers`, () => Promise.resolve((last?.containers.size ?? 0) >= running), 10_000);
        assert.ok([...sampler.snapshot().nodes.values()].every((u) => u.memory > 0));
      } finally {
        sampler.stop();
      }
      assert.deepEqual(errors, []);
    });

    it('logs show a task output', { skip }, async () => {
      if (!example.includes('webstack')) {
        const t = await findTask(e.docker, `${job?.name ?? ''}/task1`, name);
        assert.equal(await logsOf(e, t.id), '');
        return;
      }
      const t = await findTask(e.docker, 'worker-0', name);
      const text = await waitFor('worker-0 printing "processed a job"', async () => {
        const s = await logsOf(e, t.id);
        return s.includes('processed a job') ? s : undefined;
      });
      assert.match(text, /processed a job/);
    });

    it('down removes every container and the network', { skip }, async () => {
      await down(e.docker, name);
      const left = await e.docker.listContainers({ all: true, filters: { label: [`${LABEL.cluster}=${name}`] } });
      assert.deepEqual(left, []);
      const nets = await e.docker.listNetworks({ filters: { label: [`${LABEL.cluster}=${name}`] } });
      assert.deepEqual(nets, []);
    });
  });
}
