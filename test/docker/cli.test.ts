/** The bundled command line end to end (dist/cli.js through bin/berth.js): up, deploy, status, logs, down. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanUp, getEngine, ROOT, uniqueName } from './harness';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function berth(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/berth.js'), ...args], { cwd, env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('berth CLI against the engine', async () => {
  const env = await getEngine();
  const skip = typeof env === 'string' ? env : false;
  const name = uniqueName('cli');
  after(() => cleanUp(env, name));
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  writeFileSync(
    join(dir, 'dev.cluster.yaml'),
    `apiVersion: berth/v1\nkind: Cluster\nname: ${name}\nnodes:\n  - { name: node1, resources: { cpus: 1, mem: 1Gi, disk: 1Gi, ports: "31000-31009" } }\n  - { name: node2, resources: { cpus: 1, mem: 1Gi, disk: 1Gi, ports: "31000-31009" } }\n`,
  );
  writeFileSync(
    join(dir, 'hello.job.yaml'),
    `apiVersion: berth/v1\nkind: Job\nname: hello\ncluster: ./dev.cluster.yaml\ntasks:\n  - name: greet\n    command: "echo hello from $BERTH_NODE on port $PORT0; while true; do sleep 1; done"\n    resources: { cpus: 0.5, mem: 64Mi, ports: 1 }\n    instances: 2\n`,
  );

  it('up, deploy, status --json, logs, down', { skip }, async () => {
    if (typeof env === 'string') return;
    const image = env.image;
    const upRun = await berth(['up', 'dev.cluster.yaml', '--image', image], dir);
    assert.equal(upRun.code, 0, upRun.stderr);
    assert.match(upRun.stdout, new RegExp(`${name}-node1 +created`));
    const dep = await berth(['deploy', 'hello.job.yaml', '--image', image], dir);
    assert.equal(dep.code, 0, dep.stderr);
    assert.match(dep.stdout, /2 started/);
    const st = await berth(['status', name, '--json'], dir);
    assert.equal(st.code, 0, st.stderr);
    const status = JSON.parse(st.stdout) as { tasks: { id: string; state: string; addresses: { port: number; address?: string }[] }[] };
    assert.deepEqual(status.tasks.map((t) => `${t.id}:${t.state}`), ['hello/greet-0:running', 'hello/greet-1:running']);
    assert.ok(status.tasks.every((t) => t.addresses[0]?.address?.startsWith('127.0.0.1:')));
    const logs = await berth(['logs', 'greet-0', '--cluster', name], dir);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /hello from node\d on port 3100\d/);
    const down = await berth(['down', 'dev.cluster.yaml'], dir);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /removed 4 containers and 1 network/);
  });

  it('an unreachable engine is one line and exit 2', async () => {
    const r = await berth(['status'], dir, { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^berth: cannot reach the Docker engine .*\[docker\/unreachable\]\n$/);
  });
});
