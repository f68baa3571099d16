/**
 * An existing swarm, played by a local test swarm, through the command line: `cluster import`
 * writes a cluster file the preview plans against; `up --engine swarm` with DOCKER_HOST a manager
 * maps and labels the nodes; bad input (a node the swarm lacks, a node short of capacity, an
 * unreachable manager, a worker's endpoint, a clashing service name) is one clear line and
 * changes nothing; a foreign service is never touched; `export --format stack` deploys with
 * `docker stack deploy` to the planned nodes; a killed `up` is removed whole by `down`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { engineOf, loadSpecs, upCluster } from '../../client/cluster';
import { clusterDir, readRecord } from '../../client/cluster/registry';
import { dockerOf, socketOf } from '../../client/cluster/swarm/testSwarmPaths';
import { analyzeCluster } from '../../server/engine/analysis/analyzeCluster';
import { getEngine, ROOT, runBerth, specsFrom, swarmLeftovers, swarmPrerequisites, uniqueName, waitFor } from './harness';

const DOCKER_CLI = ['/usr/bin/docker', '/usr/local/bin/docker'].find((p) => existsSync(p)) ?? 'docker';

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, [...args], { env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

describe('swarm engine: an existing swarm', async () => {
  const env = await getEngine();
  const skip = typeof env === 'string' ? env : (swarmPrerequisites() ?? false);
  // The "existing" swarm: a test swarm of its own cluster, whose manager the user points Berth at.
  const host = uniqueName('ex');
  const infra = specsFrom(
    `apiVersion: berth/v1\nkind: Cluster\nname: ${host}\nengine: swarm\nnodes:\n  - { name: m1, resources: { cpus: 1, mem: 256Mi } }\n  - { name: w1, resources: { cpus: 1, mem: 256Mi }, attributes: { zone: b } }\n  - { name: w2, resources: { cpus: 1, mem: 256Mi }, attributes: { zone: c } }\n`,
    'apiVersion: berth/v1\nkind: Job\nname: none\ncluster: ./t.cluster.yaml\ntasks:\n  - { name: x, resources: { cpus: 0.1, mem: 8Mi } }\n',
  );
  const name = uniqueName('im');
  const dir = mkdtempSync(join(tmpdir(), 'berth-existing-'));
  let manager = '';
  let workerSocket = '';
  const envWith = (dockerHost: string): NodeJS.ProcessEnv => ({ ...process.env, DOCKER_HOST: dockerHost });
  after(async () => {
    if (readRecord(name)) await (await engineOf(name)).down(name).catch(() => undefined);
    if (readRecord(host)) await (await engineOf(host)).down(host);
  });

  it('imports a cluster file from the live swarm that the preview plans against', { skip }, async () => {
    if (typeof env === 'string') return;
    const made = await upCluster(infra.cluster, { image: env.image });
    manager = made.swarm?.manager ?? '';
    const record = readRecord(host);
    assert.ok(record?.kind === 'test');
    const worker = record.nodes[1];
    assert.ok(worker);
    workerSocket = `unix://${socketOf(worker)}`;
    const r = await runBerth(['cluster', 'import', '--name', name], dir, envWith(manager));
    assert.equal(r.code, 0, r.stderr);
    const doc = parse(r.stdout) as { name: string; engine: string; nodes: { name: string; resources: { cpus: number; mem: string }; attributes?: Record<string, string> }[] };
    assert.equal(doc.name, name);
    assert.equal(doc.engine, 'swarm');
    assert.deepEqual(doc.nodes.map((n) => n.name), ['m1', 'w1', 'w2']);
    assert.ok(doc.nodes.every((n) => n.resources.cpus >= 1 && /^\d+Mi$/.test(n.resources.mem)), 'resources as Swarm reports them');
    assert.equal(doc.nodes.find((n) => n.name === 'w1')?.attributes?.['zone'], 'b', 'labels become attributes');
    writeFileSync(join(dir, 'im.cluster.yaml'), r.stdout);
    const check = await runBerth(['check', 'im.cluster.yaml'], dir);
    assert.equal(check.code, 0, `the imported file checks clean: ${check.stdout}${check.stderr}`);
  });

  it('refuses bad input with one clear line and changes nothing', { skip }, async () => {
    if (!manager) return;
    const write = (file: string, nodes: string): void => writeFileSync(join(dir, file), `apiVersion: berth/v1\nkind: Cluster\nname: ${name}\nengine: swarm\nnodes:\n${nodes}`);
    const labelsBefore = JSON.stringify(((await managerOf(host).listNodes()) as { Spec: unknown }[]).map((n) => n.Spec));
    write('missing.cluster.yaml', '  - { name: w1, resources: { cpus: 1, mem: 64Mi } }\n  - { name: nope, resources: { cpus: 1, mem: 64Mi } }\n');
    write('short.cluster.yaml', '  - { name: w1, resources: { cpus: 64, mem: 64Mi } }\n');
    const cases: { what: string; args: string[]; env: NodeJS.ProcessEnv; line: RegExp }[] = [
      { what: 'a node the swarm lacks', args: ['up', 'missing.cluster.yaml'], env: envWith(manager), line: /nope: the swarm has no node of that hostname/ },
      { what: 'a node short of capacity', args: ['up', 'short.cluster.yaml'], env: envWith(manager), line: /w1: has less than the file gives it \(cpus \d+ < 64\)/ },
      { what: 'an unreachable manager', args: ['up', 'short.cluster.yaml'], env: envWith(`unix://${join(dir, 'no.sock')}`), line: /cannot reach the Docker engine/ },
      { what: "a worker's endpoint", args: ['up', 'short.cluster.yaml'], env: envWith(workerSocket), line: /is a swarm worker, not a manager/ },
    ];
    for (const c of cases) {
      const r = await runBerth(c.args, dir, c.env);
      assert.equal(r.code, 2, `${c.what}: exit 2 (${r.stderr})`);
      assert.match(r.stderr, c.line, c.what);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${c.what}: no stack trace`);
      assert.equal(readRecord(name), undefined, `${c.what}: no record written`);
    }
    const labelsAfter = JSON.stringify(((await managerOf(host).listNodes()) as { Spec: unknown }[]).map((n) => n.Spec));
    assert.equal(labelsAfter, labelsBefore, 'no node was relabelled');
  });

  it('maps, labels and deploys on the existing swarm, never touching a foreign service, refusing a name clash', { skip }, async () => {
    if (typeof env === 'string' || !manager) return;
    const docker = managerOf(host);
    await docker.createService({ Name: 'foreign-web', TaskTemplate: { ContainerSpec: { Image: env.image, Args: ['sleep', '100000'] } }, Mode: { Replicated: { Replicas: 0 } } } as never);
    writeFileSync(join(dir, 'app.job.yaml'), `apiVersion: berth/v1\nkind: Job\nname: app\ncluster: ./im.cluster.yaml\ntasks:\n  - name: web\n    instances: 2\n    command: ["sh", "-c", "while true; do sleep 1; done"]\n    resources: { cpus: 0.5, mem: 32Mi }\n    constraints: [[hostname, UNIQUE]]\n`);
    const up = await runBerth(['up', 'im.cluster.yaml'], dir, envWith(manager));
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /an existing swarm/);
    // A service of the same name as one Berth would create, not Berth's: refused before any service changes.
    await docker.createService({ Name: `${name}-app-web-1`, TaskTemplate: { ContainerSpec: { Image: env.image } }, Mode: { Replicated: { Replicas: 0 } } } as never);
    const clash = await runBerth(['deploy', 'app.job.yaml', '--image', env.image], dir, envWith(manager));
    assert.equal(clash.code, 2, clash.stderr);
    assert.match(clash.stderr, new RegExp(`service ${name}-app-web-1 that is not Berth's`));
    assert.ok(!((await docker.listServices()) as { Spec: { Name: string } }[]).some((s) => s.Spec.Name === `${name}-app-web-0`), 'nothing was created');
    await docker.getService(`${name}-app-web-1`).remove();
    const deployed = await runBerth(['deploy', 'app.job.yaml', '--json', '--image', env.image], dir, envWith(manager));
    assert.equal(deployed.code, 0, deployed.stderr);
    // Status needs no flag and no DOCKER_HOST: the cluster's record says which swarm holds it.
    const status = await runBerth(['status', name, '--json'], dir);
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout) as { engine: string; manager: string; usageNote?: string; tasks: { id: string; node: string; state: string }[] };
    assert.equal(s.engine, 'swarm');
    assert.equal(s.manager, manager);
    assert.match(s.usageNote ?? '', /usage not available/);
    assert.equal(new Set(s.tasks.map((t) => t.node)).size, 2, 'UNIQUE hostname: two nodes');
    assert.ok(s.tasks.every((t) => t.state === 'running'));

    const stop = await runBerth(['stop-node', `${name}/w1`], dir);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /drained/);
    const start = await runBerth(['start-node', `${name}/w1`], dir);
    assert.equal(start.code, 0, start.stderr);

    const down = await runBerth(['down', name], dir);
    assert.equal(down.code, 0, down.stderr);
    const names = ((await docker.listServices()) as { Spec: { Name: string } }[]).map((x) => x.Spec.Name);
    assert.ok(names.includes('foreign-web'), 'the foreign service is untouched');
    assert.ok(!names.some((n) => n.startsWith(`${name}-`)), 'every service of the cluster is gone');
  });

  it('exports a stack file that docker stack deploy places on the planned nodes', { skip }, async () => {
    if (!manager) return;
    writeFileSync(join(dir, 'stack.job.yaml'), `apiVersion: berth/v1\nkind: Job\nname: st\ncluster: ./im.cluster.yaml\ntasks:\n  - name: a\n    command: ["sh", "-c", "while true; do sleep 1; done"]\n    resources: { cpus: 0.75, mem: 32Mi }\n  - name: b\n    command: ["sh", "-c", "while true; do sleep 1; done"]\n    resources: { cpus: 0.75, mem: 32Mi }\n`);
    const exported = await runBerth(['export', 'stack.job.yaml', '--format', 'stack', '--image', 'berth-test/busybox:1'], dir);
    assert.equal(exported.code, 0, exported.stderr);
    writeFileSync(join(dir, 'stack.yaml'), exported.stdout);
    // The pins need the berth.node labels: the cluster is up on that swarm.
    assert.equal((await runBerth(['up', 'im.cluster.yaml'], dir, envWith(manager))).code, 0);
    const r = await run(DOCKER_CLI, ['-H', manager, 'stack', 'deploy', '-c', join(dir, 'stack.yaml'), 'st']);
    assert.equal(r.code, 0, r.out);
    const specs = loadSpecs(join(dir, 'stack.job.yaml'));
    const plan = analyzeCluster(specs.cluster, [...specs.jobs], { failover: false }).plan;
    const docker = managerOf(host);
    const hostOf = new Map(((await docker.listNodes()) as { ID: string; Description: { Hostname: string } }[]).map((n) => [n.ID, n.Description.Hostname]));
    for (const task of ['a', 'b']) {
      const expected = plan.tasks.get(`st/${task}`);
      assert.ok(expected?.kind === 'placed');
      await waitFor(`st_st-${task} running on ${expected.node}`, async () => {
        const tasks = (await docker.listTasks({ filters: { service: [`st_st-${task}`], 'desired-state': ['running'] } })) as { NodeID: string; Status: { State: string } }[];
        return tasks.some((t) => t.Status.State === 'running' && hostOf.get(t.NodeID) === expected.node);
      }, 20_000);
    }
    assert.equal((await run(DOCKER_CLI, ['-H', manager, 'stack', 'rm', 'st'])).code, 0);
    assert.equal((await runBerth(['down', name], dir)).code, 0);
    assert.equal(existsSync(clusterDir(name)), false, 'down removes the record and its folder');
  });
});

function managerOf(cluster: string): ReturnType<typeof dockerOf> {
  const first = readRecordTest(cluster).nodes[0];
  if (!first) throw new Error(`cluster ${cluster} has no nodes`);
  return dockerOf(first);
}

function readRecordTest(cluster: string): Extract<NonNullable<ReturnType<typeof readRecord>>, { kind: 'test' }> {
  const r = readRecord(cluster);
  if (r?.kind !== 'test') throw new Error(`no test swarm record for ${cluster}`);
  return r;
}

describe('swarm engine: a killed up', async () => {
  const env = await getEngine();
  const skip = typeof env === 'string' ? env : (swarmPrerequisites() ?? false);
  const name = uniqueName('cut');
  const dir = mkdtempSync(join(tmpdir(), 'berth-cut-'));
  writeFileSync(join(dir, 'c.cluster.yaml'), `apiVersion: berth/v1\nkind: Cluster\nname: ${name}\nengine: swarm\nnodes:\n  - { name: a, resources: { cpus: 1, mem: 128Mi } }\n  - { name: b, resources: { cpus: 1, mem: 128Mi } }\n  - { name: c, resources: { cpus: 1, mem: 128Mi } }\n`);
  after(async () => {
    if (readRecord(name)) await (await engineOf(name)).down(name);
  });

  it('is removed whole by down: daemons, namespaces, mounts, folder', { skip }, async () => {
    if (typeof env === 'string') return;
    const child = spawn(process.execPath, [join(ROOT, 'bin/berth.js'), 'up', 'c.cluster.yaml', '--image', env.image], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    child.stderr.on('data', (d: Buffer) => (said += d.toString()));
    // Killed while its daemons start: namespaces made, daemons half up, no swarm yet.
    await waitFor('up starting the node daemons', () => Promise.resolve(/starting 3 Docker daemons/.test(said)), 30_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    assert.ok(readRecord(name) !== undefined && existsSync(clusterDir(name)), 'the cut up left its record and folder');
    assert.equal(readRecord(name)?.kind === 'test' && readRecordTest(name).complete, false);
    const down = await runBerth(['down', name], dir);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(swarmLeftovers(name), []);
  });
});
