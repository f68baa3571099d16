/** Building the typed model: quantities in fixed units, defaults, commands, health checks, spans. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expandInstances, type ClusterSpec, type JobSpec, type Problem, type Span, type TaskSpec } from '../../../server/engine/model';
import { parseSpec } from '../../../server/engine/spec/parseSpec';
import { toCluster, toJob } from '../../../server/engine/spec/toModel';

function job(text: string): { spec: JobSpec; problems: readonly Problem[] } {
  const doc = parseSpec(text).documents[0];
  assert.ok(doc);
  return toJob(doc);
}

function cluster(text: string): { spec: ClusterSpec; problems: readonly Problem[] } {
  const doc = parseSpec(text).documents[0];
  assert.ok(doc);
  return toCluster(doc);
}

function task(spec: JobSpec, i = 0): TaskSpec {
  const t = spec.tasks[i];
  assert.ok(t, `no task ${i}`);
  return t;
}

function slice(text: string, span: Span | undefined): string {
  assert.ok(span, 'no span');
  return text.slice(span.start, span.end);
}

const HEAD = `apiVersion: berth/v1
kind: Job
name: web
cluster: ./dev.cluster.yaml
`;

describe('quantities', () => {
  test('cpus in millicpus, mem and disk in MiB, gpus as given', () => {
    const { spec, problems } = job(`${HEAD}tasks:
  - name: a
    resources: { cpus: 1.5, mem: 4Gi, disk: 512, gpus: 2 }
  - name: b
    resources: { cpus: 0.25, mem: 500M, disk: 1Ti }
  - name: c
    resources: { cpus: 2, mem: 1.5Gi, disk: "2048" }
`);
    assert.deepEqual(problems, []);
    assert.deepEqual(task(spec, 0).resources, { cpus: 1500, mem: 4096, disk: 512, gpus: 2 });
    // 500 MB = 476.84 MiB, rounded up to whole MiB.
    assert.deepEqual(task(spec, 1).resources, { cpus: 250, mem: 477, disk: 1024 * 1024, gpus: 0 });
    assert.deepEqual(task(spec, 2).resources, { cpus: 2000, mem: 1536, disk: 2048, gpus: 0 });
  });

  test('a unit that does not parse is a bad-unit problem on the value, and counts as 0', () => {
    const text = `${HEAD}tasks:\n  - name: a\n    resources: { cpus: 1, mem: 4GB, disk: -1Gi }\n`;
    const { spec, problems } = job(text);
    assert.deepEqual(problems.map((p) => [p.code, p.severity, slice(text, p.span)]), [
      ['spec/bad-unit', 'error', '4GB'],
      ['spec/bad-unit', 'error', '-1Gi'],
    ]);
    assert.equal(task(spec).resources.mem, 0);
    assert.equal(task(spec).resources.disk, 0);
  });

  test('a unit spelled as other tools spell it: a bad unit with a replace fix', () => {
    const text = `${HEAD}tasks:\n  - name: a\n    resources: { cpus: 1, mem: 4GiB, disk: "8 GB" }\n`;
    const { problems } = job(text);
    assert.deepEqual(
      problems.map((p) => [p.code, slice(text, p.span), p.data?.kind === 'replace' ? p.data.text : undefined]),
      [
        ['spec/bad-unit', '4GiB', '4Gi'],
        ['spec/bad-unit', '"8 GB"', '8G'],
      ],
    );
  });

  test('cpus finer than a millicpu or below 0.01 is a bad unit', () => {
    for (const cpus of ['0.001', '0.0005', '1.0001']) {
      const text = `${HEAD}tasks:\n  - name: a\n    resources: { cpus: ${cpus}, mem: 1Gi }\n`;
      const { problems } = job(text);
      assert.deepEqual(problems.map((p) => [p.code, slice(text, p.span)]), [['spec/bad-unit', cpus]], cpus);
      assert.match(problems[0]?.message ?? '', /^cpus: (must|[\d.]+ is)/, 'named once, not "cpus: cpus"');
    }
  });

  test('a plain small mem is implausible: a warning with a replace fix to Gi', () => {
    const text = `${HEAD}tasks:\n  - name: a\n    resources: { cpus: 1, mem: 4 }\n`;
    const { spec, problems } = job(text);
    assert.equal(problems.length, 1);
    const p = problems[0];
    assert.ok(p);
    assert.equal(p.code, 'spec/implausible-value');
    assert.equal(p.severity, 'warning');
    assert.equal(slice(text, p.span), '4');
    assert.ok(p.data?.kind === 'replace');
    assert.equal(p.data.text, '4Gi');
    assert.equal(slice(text, p.data.span), '4');
    assert.equal(task(spec).resources.mem, 4, 'the value is still what was written: 4 MiB');
  });

  test('plausible and unit-carrying sizes are not warned about', () => {
    const text = `${HEAD}tasks:\n  - name: a\n    resources: { cpus: 1, mem: 64, disk: 4Mi }\n`;
    assert.deepEqual(job(text).problems, []);
  });

  test('ports: a count is dynamic, a list is fixed', () => {
    const { spec } = job(`${HEAD}tasks:
  - name: a
    resources: { cpus: 1, mem: 1Gi, ports: 2 }
  - name: b
    resources: { cpus: 1, mem: 1Gi, ports: [8080, 8443] }
  - name: c
    resources: { cpus: 1, mem: 1Gi }
`);
    assert.deepEqual(task(spec, 0).ports, { dynamic: 2, fixed: [] });
    assert.deepEqual(task(spec, 1).ports, { dynamic: 0, fixed: [8080, 8443] });
    assert.deepEqual(task(spec, 2).ports, { dynamic: 0, fixed: [] });
  });

  test('resource spans point at each value given', () => {
    const text = `${HEAD}tasks:\n  - name: a\n    resources: { cpus: 1.5, mem: 4Gi, ports: [8080] }\n`;
    const t = task(job(text).spec);
    assert.equal(slice(text, t.resourceSpans.cpus), '1.5');
    assert.equal(slice(text, t.resourceSpans.mem), '4Gi');
    assert.equal(slice(text, t.resourceSpans.ports), '[8080]');
    assert.equal(t.resourceSpans.disk, undefined);
  });
});

describe('defaults', () => {
  test('a task with only a name and resources', () => {
    const text = `${HEAD}tasks:\n  - name: api\n    resources: { cpus: 1, mem: 1Gi }\n`;
    const { spec, problems } = job(text);
    assert.deepEqual(problems, []);
    assert.equal(spec.name, 'web');
    assert.equal(spec.cluster.name, './dev.cluster.yaml');
    assert.equal(slice(text, spec.cluster.span), './dev.cluster.yaml');
    assert.equal(spec.strategy, 'binpack');
    assert.equal(spec.preemption, false);
    assert.deepEqual({ tolerate: spec.failover.tolerate, domains: spec.failover.domains }, { tolerate: 1, domains: [] });
    const t = task(spec);
    assert.equal(t.priority, 100);
    assert.equal(t.instances, 1);
    assert.equal(t.restart, 'on-failure');
    assert.equal(t.image, undefined, 'the cluster default applies later');
    assert.equal(t.command, undefined);
    assert.equal(t.healthCheck, undefined);
    assert.deepEqual(t.env, {});
    assert.deepEqual(t.dependsOn, []);
    assert.deepEqual(t.constraints, []);
    assert.equal(t.resources.disk, 0);
    assert.equal(t.resources.gpus, 0);
  });

  test('job-level settings as written', () => {
    const text = `${HEAD}strategy: spread\npreemption: true\nfailover: { tolerate: 2, domains: [zone, rack] }\ntasks:\n  - name: api\n    resources: { cpus: 1, mem: 1Gi }\n`;
    const { spec } = job(text);
    assert.equal(spec.strategy, 'spread');
    assert.equal(spec.preemption, true);
    assert.equal(spec.failover.tolerate, 2);
    assert.deepEqual(spec.failover.domains, ['zone', 'rack']);
    assert.deepEqual(spec.failover.domainSpans.map((s) => slice(text, s)), ['zone', 'rack']);
  });
});

describe('tasks', () => {
  test('a string command runs under /bin/sh -c; an argv stays as written', () => {
    const { spec } = job(`${HEAD}tasks:
  - name: a
    command: "echo hi && sleep 1"
    resources: { cpus: 1, mem: 1Gi }
  - name: b
    command: ["sh", "-c", "httpd -f -p 8080"]
    resources: { cpus: 1, mem: 1Gi }
`);
    assert.deepEqual(task(spec, 0).command, ['/bin/sh', '-c', 'echo hi && sleep 1']);
    assert.deepEqual(task(spec, 1).command, ['sh', '-c', 'httpd -f -p 8080']);
  });

  test('instances, priority, restart, image, env', () => {
    const { spec } = job(`${HEAD}tasks:
  - name: api
    image: nginx:1.27
    env: { MODE: dev, PORT: "8080" }
    resources: { cpus: 1, mem: 1Gi }
    priority: 500
    instances: 3
    restart: always
`);
    const t = task(spec);
    assert.equal(t.instances, 3);
    assert.equal(t.priority, 500);
    assert.equal(t.restart, 'always');
    assert.equal(t.image, 'nginx:1.27');
    assert.deepEqual(t.env, { MODE: 'dev', PORT: '8080' });
    assert.deepEqual(expandInstances(spec).map((i) => [i.id, i.name, i.index]), [
      ['web/api-0', 'api-0', 0],
      ['web/api-1', 'api-1', 1],
      ['web/api-2', 'api-2', 2],
    ]);
  });

  test('one instance keeps the task name', () => {
    const { spec } = job(`${HEAD}tasks:\n  - name: db\n    resources: { cpus: 1, mem: 1Gi }\n`);
    assert.deepEqual(expandInstances(spec).map((i) => i.name), ['db']);
  });

  test('health check durations in milliseconds, with defaults', () => {
    const { spec, problems } = job(`${HEAD}tasks:
  - name: a
    resources: { cpus: 1, mem: 1Gi }
    healthCheck: { command: "wget -q -O- localhost:8080", interval: 5s, timeout: 500ms, retries: 5, startPeriod: 1m }
  - name: b
    resources: { cpus: 1, mem: 1Gi }
    healthCheck: { command: [pg_isready] }
`);
    assert.deepEqual(problems, []);
    assert.deepEqual(task(spec, 0).healthCheck, { command: ['/bin/sh', '-c', 'wget -q -O- localhost:8080'], interval: 5000, timeout: 500, retries: 5, startPeriod: 60_000 });
    assert.deepEqual(task(spec, 1).healthCheck, { command: ['pg_isready'], interval: 10_000, timeout: 5_000, retries: 3, startPeriod: 0 });
  });

  test('dependsOn and constraints carry spans of what was written', () => {
    const text = `${HEAD}tasks:
  - name: api
    resources: { cpus: 1, mem: 1Gi }
    dependsOn: [db, cache]
    constraints: [[zone, UNIQUE], [rack, MAX_PER, 2], [hostname, LIKE, "node[12]"]]
`;
    const t = task(job(text).spec);
    assert.deepEqual(t.dependsOn.map((d) => [d.name, slice(text, d.span)]), [['db', 'db'], ['cache', 'cache']]);
    assert.deepEqual(t.constraints.map((c) => [c.field, c.operator, c.value]), [
      ['zone', 'UNIQUE', undefined],
      ['rack', 'MAX_PER', '2'],
      ['hostname', 'LIKE', 'node[12]'],
    ]);
    assert.deepEqual(t.constraints.map((c) => slice(text, c.span)), ['[zone, UNIQUE]', '[rack, MAX_PER, 2]', '[hostname, LIKE, "node[12]"]']);
    assert.equal(slice(text, t.nameSpan), 'api');
  });

  test('tolerant of wrong shapes: no throw, defaults instead', () => {
    const shapes = [
      `${HEAD}tasks: api\n`,
      `${HEAD}tasks: [1, null, [], "x"]\n`,
      `${HEAD}tasks:\n  - name: 7\n    resources: [1, 2]\n    dependsOn: { a: 1 }\n    constraints: [zone, [1, 2], [zone, NOPE]]\n    healthCheck: { command: 5, interval: 5 }\n    env: [A]\n    instances: -3\n`,
      `${HEAD}failover: { tolerate: 99, domains: zone }\ntasks: []\n`,
      `[]`,
      `just text`,
    ];
    for (const text of shapes) {
      const { spec } = job(text);
      for (const t of spec.tasks) {
        assert.ok(t.instances >= 1);
        assert.ok(Number.isInteger(t.resources.cpus) && t.resources.cpus >= 0);
      }
      assert.ok(spec.failover.tolerate >= 0 && spec.failover.tolerate <= 3);
    }
  });
});

describe('clusters', () => {
  test('nodes with resources, port ranges, attributes as strings, defaults', () => {
    const text = `apiVersion: berth/v1
kind: Cluster
name: dev
defaults: { image: busybox:1.36 }
nodes:
  - name: node1
    resources: { cpus: 2, mem: 4Gi, disk: 1Gi, ports: "31000-31099" }
    attributes: { zone: a, rack: 1, ssd: true }
  - name: node2
    resources: { cpus: 0.5, mem: 2048, gpus: 1, ports: [8080, "9000-9001"] }
`;
    const { spec, problems } = cluster(text);
    assert.deepEqual(problems, []);
    assert.equal(spec.name, 'dev');
    assert.deepEqual(spec.defaults, { image: 'busybox:1.36' });
    assert.equal(spec.nodes.length, 2);
    const [n1, n2] = spec.nodes;
    assert.ok(n1 && n2);
    assert.deepEqual(n1.resources, { cpus: 2000, mem: 4096, disk: 1024, gpus: 0 });
    assert.deepEqual(n1.ports, [{ from: 31000, to: 31099 }]);
    assert.deepEqual(n1.attributes, { zone: 'a', rack: '1', ssd: 'true' });
    assert.equal(slice(text, n1.nameSpan), 'node1');
    assert.deepEqual(n2.resources, { cpus: 500, mem: 2048, disk: 0, gpus: 1 });
    assert.deepEqual(n2.ports, [{ from: 8080, to: 8080 }, { from: 9000, to: 9001 }]);
    assert.deepEqual(n2.attributes, {});
  });

  test('bad port ranges are bad-unit problems on the ports value', () => {
    const text = `apiVersion: berth/v1\nkind: Cluster\nname: dev\nnodes:\n  - name: n1\n    resources: { cpus: 2, mem: 4Gi, ports: "31099-31000" }\n`;
    const { spec, problems } = cluster(text);
    assert.deepEqual(problems.map((p) => [p.code, slice(text, p.span)]), [['spec/bad-unit', '"31099-31000"']]);
    assert.deepEqual(spec.nodes[0]?.ports, []);
  });
});
