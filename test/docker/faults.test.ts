/** Environment faults: Docker unreachable, a name clash with a foreign container, a deploy failing midway. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { connect, deploy, isClusterError, LABEL, up } from '../../client/cluster';
import { cleanUp, getEngine, specsFrom, uniqueName } from './harness';

const cluster = (name: string, image: string): string => `apiVersion: berth/v1
kind: Cluster
name: ${name}
defaults: { image: ${image} }
nodes:
  - { name: node1, resources: { cpus: 1, mem: 1Gi, disk: 1Gi } }
  - { name: node2, resources: { cpus: 1, mem: 1Gi, disk: 1Gi } }
`;
const job = (backendImage: string, backendHealth = 'true'): string => `apiVersion: berth/v1
kind: Job
name: app
cluster: ./t.cluster.yaml
tasks:
  - name: db
    command: ["sh", "-c", "while true; do sleep 1; done"]
    resources: { cpus: 0.25, mem: 64Mi }
  - name: backend
    image: ${backendImage}
    command: ["sh", "-c", "while true; do sleep 1; done"]
    healthCheck: { command: ["sh", "-c", "${backendHealth}"], interval: 300ms, timeout: 1s, retries: 1 }
    resources: { cpus: 0.25, mem: 64Mi }
    instances: 2
    dependsOn: [db]
`;

describe('faults', async () => {
  const env = await getEngine();
  const skip = typeof env === 'string' ? env : false;
  const names = [uniqueName('clash'), uniqueName('midway')];
  after(async () => {
    for (const n of names) await cleanUp(env, n);
  });

  it('Docker unreachable is one typed error saying what to do', async () => {
    await assert.rejects(connect({ endpoint: 'unix:///nonexistent/berth-test.sock' }), (err: unknown) => isClusterError(err, 'docker/unreachable') && /start it|DOCKER_HOST/.test(err.message));
  });

  it('a name clash with a foreign container is an error, and the foreign container is untouched', { skip }, async () => {
    if (typeof env === 'string') return;
    const { docker, image } = env;
    const name = names[0] ?? '';
    const foreign = await docker.createContainer({ name: `${name}-node2`, Image: image, Cmd: ['sleep', '300'], Labels: { owner: 'someone-else' } });
    try {
      const specs = specsFrom(cluster(name, image), job(image));
      await assert.rejects(up(docker, specs.cluster, { image }), (err: unknown) => isClusterError(err, 'cluster/name-clash') && err.message.includes(`${name}-node2`));
      const info = await foreign.inspect();
      assert.equal(info.Config.Labels?.['owner'], 'someone-else');
      assert.equal(info.Config.Labels?.[LABEL.cluster], undefined);
    } finally {
      await foreign.remove({ force: true });
    }
  });

  it('a missing image fails the deploy before anything starts, naming the image', { skip }, async () => {
    if (typeof env === 'string') return;
    const { docker, image } = env;
    const name = names[1] ?? '';
    const broken = specsFrom(cluster(name, image), job('berth-test/not-there:0'));
    await assert.rejects(
      deploy(docker, broken.cluster, broken.jobs[0] ?? assert.fail('no job')),
      (err: unknown) => isClusterError(err, 'deploy/image-missing') && err.message.includes('berth-test/not-there:0') && err.message.includes('not available locally'),
    );
    const tasks = await docker.listContainers({ all: true, filters: { label: [`${LABEL.cluster}=${name}`, `${LABEL.role}=task`] } });
    assert.deepEqual(tasks.map((t) => t.Names[0]), []);
  });

  it('a deploy failing midway leaves no task containers, and a rerun after the fix completes', { skip }, async () => {
    if (typeof env === 'string') return;
    const { docker, image } = env;
    const name = names[1] ?? '';
    // backend (level 1, after db started) never gets healthy: the deploy fails midway.
    const broken = specsFrom(cluster(name, image), job(image, 'exit 1'));
    const started: string[] = [];
    await assert.rejects(
      deploy(docker, broken.cluster, broken.jobs[0] ?? assert.fail('no job'), { onProgress: (p) => p.kind === 'task' && p.state === 'running' && started.push(p.task) }),
      (err: unknown) => isClusterError(err, 'deploy/unhealthy') && err.message.includes('backend'),
    );
    assert.deepEqual(started, ['app/db']);
    const tasks = await docker.listContainers({ all: true, filters: { label: [`${LABEL.cluster}=${name}`, `${LABEL.role}=task`] } });
    assert.deepEqual(tasks.map((t) => t.Names[0]), [], 'no orphan task containers');
    const fixed = specsFrom(cluster(name, image), job(image));
    const result = await deploy(docker, fixed.cluster, fixed.jobs[0] ?? assert.fail('no job'));
    assert.deepEqual(result.tasks.map((t) => `${t.id}:${t.action}`), ['app/backend-0:started', 'app/backend-1:started', 'app/db:started']);
  });
});
