/** Restart policies, enforced by the controller (not Docker) for exits not caused by a node loss. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { clusterStatus, deploy, startController, type Controller } from '../../client/cluster';
import { cleanUp, getEngine, specsFrom, uniqueName, waitFor } from './harness';

const cluster = (name: string, image: string): string => `apiVersion: berth/v1
kind: Cluster
name: ${name}
defaults: { image: ${image} }
nodes:
  - { name: node1, resources: { cpus: 1, mem: 1Gi, disk: 1Gi } }
`;
const task = (name: string, restart: string, code: number): string => `  - name: ${name}
    command: ["sh", "-c", "sleep 1; exit ${code}"]
    resources: { cpus: 0.1, mem: 32Mi }
    restart: ${restart}
`;
const JOB = `apiVersion: berth/v1
kind: Job
name: r
cluster: ./t.cluster.yaml
tasks:
${task('never-fails', 'never', 1)}${task('onfailure-fails', 'on-failure', 1)}${task('onfailure-ok', 'on-failure', 0)}${task('always-ok', 'always', 0)}`;

describe('restart policies', async () => {
  const env = await getEngine();
  const skip = typeof env === 'string' ? env : false;
  const name = uniqueName('rest');
  let controller: Controller | undefined;
  after(async () => {
    await controller?.stop();
    await cleanUp(env, name);
  });

  it('never and a clean on-failure exit stay down; a failing on-failure and always restart', { skip }, async () => {
    if (typeof env === 'string') return;
    const { docker, image } = env;
    const specs = specsFrom(cluster(name, image), JOB);
    await deploy(docker, specs.cluster, specs.jobs[0] ?? assert.fail('no job'));
    controller = startController(docker, name, { leaseSeconds: 5, resyncMs: 300 });
    const restarts = async (): Promise<Map<string, { restarts: number; state: string }>> => new Map((await clusterStatus(docker, name)).tasks.map((t) => [t.task, { restarts: t.restarts, state: t.state }]));
    const seen = await waitFor(
      'onfailure-fails and always-ok restarted twice',
      async () => {
        const r = await restarts();
        return (r.get('onfailure-fails')?.restarts ?? 0) >= 2 && (r.get('always-ok')?.restarts ?? 0) >= 2 ? r : undefined;
      },
      20_000,
      100,
    );
    assert.deepEqual(seen.get('never-fails'), { restarts: 0, state: 'exited' });
    assert.deepEqual(seen.get('onfailure-ok'), { restarts: 0, state: 'exited' });
  });
});
