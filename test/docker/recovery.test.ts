/**
 * Faults the controller survives: the Docker daemon going away mid-watch (its socket, through a proxy
 * this test closes and reopens: what a controller sees of a daemon restart), and a controller
 * process killed while holding the lease (another takes over when the lease expires).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { clusterStatus, createDocker, deploy, endpointOf, leaseContainerName, LABEL, startController, stopNode, type Controller, type ControllerEvent } from '../../client/cluster';
import { cleanUp, getEngine, ROOT, specsFrom, uniqueName, waitFor } from './harness';

const CLUSTER = (name: string): string => `apiVersion: berth/v1
kind: Cluster
name: ${name}
nodes:
  - { name: n1, resources: { cpus: 1, mem: 1Gi, disk: 1Gi } }
  - { name: n2, resources: { cpus: 1, mem: 1Gi, disk: 1Gi } }
  - { name: n3, resources: { cpus: 1, mem: 1Gi, disk: 1Gi } }
`;
const JOB = `apiVersion: berth/v1
kind: Job
name: svc
cluster: ./t.cluster.yaml
strategy: spread
tasks:
  - name: web
    command: ["sh", "-c", "while true; do sleep 1; done"]
    resources: { cpus: 0.25, mem: 64Mi }
    instances: 3
    restart: always
`;

/** A unix socket that forwards to the engine's; `close()` drops every connection, `open()` listens again. */
function createProxy(target: string, path: string): { open(): Promise<void>; close(): Promise<void> } {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    open: () =>
      new Promise((resolve) => {
        rmSync(path, { force: true });
        server = createServer((client) => {
          const upstream = createConnection(target);
          sockets.add(client).add(upstream);
          client.pipe(upstream).pipe(client);
          const drop = (): void => {
            client.destroy();
            upstream.destroy();
          };
          client.on('error', drop).on('close', drop);
          upstream.on('error', drop).on('close', drop);
        });
        server.listen(path, resolve);
      }),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        sockets.clear();
        if (server) server.close(() => resolve());
        else resolve();
      }),
  };
}

describe('controller recovery', async () => {
  const env = await getEngine();
  const endpoint = endpointOf();
  const unix = endpoint.startsWith('unix://') ? endpoint.slice('unix://'.length) : undefined;
  const skip = typeof env === 'string' ? env : false;
  const name = uniqueName('reco');
  const controllers: Controller[] = [];
  after(async () => {
    for (const c of controllers) await c.stop();
    await cleanUp(env, name);
  });

  it('reconnects after the daemon goes away mid-watch and catches up', { skip: skip || (unix ? false : `the engine is not a unix socket (${endpoint})`) }, async () => {
    if (typeof env === 'string' || !unix) return;
    const { docker, image } = env;
    const specs = specsFrom(CLUSTER(name), JOB);
    const job = specs.jobs[0];
    assert.ok(job);
    await deploy(docker, specs.cluster, job, { image });
    const path = join(tmpdir(), `berth-proxy-${process.pid}.sock`);
    const proxy = createProxy(unix, path);
    await proxy.open();
    const events: ControllerEvent[] = [];
    const c = startController(createDocker({ endpoint: `unix://${path}` }), name, { id: 'proxied', leaseSeconds: 30, resyncMs: 300, onEvent: (e) => events.push(e) });
    controllers.push(c);
    // Stopped here whatever happens: a controller left holding its 30 s lease would keep the next test's from taking it.
    try {
      await waitFor('the proxied controller taking the lease', () => Promise.resolve(c.isActive()));
      await c.settled();
      await proxy.close();
      await waitFor('the controller reporting the lost connection', () => Promise.resolve(events.some((e) => e.kind === 'connection' && !e.connected)));
      // While the controller cannot see Docker, a node dies.
      const before = await clusterStatus(docker, name);
      const victim = before.tasks.find((t) => t.state === 'running')?.node ?? '';
      const movers = before.tasks.filter((t) => t.node === victim).map((t) => t.id);
      await stopNode(docker, victim, name);
      await proxy.open();
      await waitFor(
        `the reconnected controller re-placing ${movers.join(', ')} off ${victim}`,
        async () => {
          const s = await clusterStatus(docker, name);
          return movers.every((id) => s.tasks.some((t) => t.id === id && t.state === 'running' && t.node !== victim));
        },
        20_000,
      );
      assert.ok(events.some((e) => e.kind === 'connection' && e.connected), 'the controller said it is connected again before re-placing');
    } finally {
      await c.stop();
      await proxy.close();
    }
  });

  it('a controller killed while holding the lease is replaced when the lease expires', { skip }, async () => {
    if (typeof env === 'string') return;
    const { docker, image } = env;
    const specs = specsFrom(CLUSTER(name), JOB);
    await deploy(docker, specs.cluster, specs.jobs[0] ?? assert.fail('no job'), { image });
    const child = spawn(process.execPath, [join(ROOT, 'bin/berth.js'), 'watch', name, '--lease', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const holderOf = async (): Promise<string | undefined> => {
      const info = await docker.getContainer(leaseContainerName(name)).inspect();
      return info.State.Running ? info.Config.Labels?.[LABEL.holder] : undefined;
    };
    await waitFor(`berth watch taking the lease (output: ${output})`, () => Promise.resolve(output.includes('controller active')), 15_000);
    const first = await holderOf();
    const standby = startController(docker, name, { id: 'standby', leaseSeconds: 2, resyncMs: 300 });
    controllers.push(standby);
    await standby.settled();
    assert.equal(standby.isActive(), false, 'the second controller stays passive while the lease is held');
    child.kill('SIGKILL');
    await waitFor('the standby controller taking over the expired lease', () => Promise.resolve(standby.isActive()), 10_000);
    assert.notEqual(await holderOf(), first);
  });
});
