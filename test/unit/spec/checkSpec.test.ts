/**
 * The spec layer end to end through a fake host: cluster references (relative path, in-file name,
 * unreadable, invalid), kinds from file names, unknown kinds, ordering.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSpecChecker, isBerthFile, kindFromPath, type SpecHost } from '../../../server/engine/checkSpec';
import type { Problem } from '../../../server/engine/model';
import { createParseCache } from '../../../server/engine/spec/parseSpec';
import { createSchemaValidator, type SchemaValidator } from '../../../server/engine/spec/validateSchema';
import { itemsPerStep, yamlParses } from './yamlParses';

/** An in-memory file system that records every path read. */
function fakeHost(files: Record<string, string>): SpecHost & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile(path) {
      reads.push(path);
      return Object.prototype.hasOwnProperty.call(files, path) ? files[path] : undefined;
    },
  };
}

function codes(problems: readonly Problem[]): string[] {
  return problems.map((p) => p.code);
}

function slice(text: string, p: Problem): string {
  return text.slice(p.span.start, p.span.end);
}

const DEV = `apiVersion: berth/v1
kind: Cluster
name: dev
nodes:
  - name: node1
    resources: { cpus: 2, mem: 4Gi, ports: "31000-31099" }
    attributes: { zone: a }
  - name: node2
    resources: { cpus: 4, mem: 8Gi, ports: "31000-31099" }
    attributes: { zone: b }
`;

function jobText(cluster: string, extra = ''): string {
  return `apiVersion: berth/v1
kind: Job
name: web
cluster: ${cluster}
tasks:
  - name: api
    resources: { cpus: 1, mem: 1Gi }
${extra}`;
}

describe('cluster reference', () => {
  test('a relative path is resolved against the job file, through the host', () => {
    const host = fakeHost({ '/w/clusters/dev.cluster.yaml': DEV });
    const text = jobText('../clusters/dev.cluster.yaml', '    constraints: [[zoen, UNIQUE]]\n');
    const checked = createSpecChecker().check('/w/jobs/web.job.yaml', text, host);
    assert.deepEqual(host.reads, ['/w/clusters/dev.cluster.yaml']);
    const job = checked.jobs[0];
    assert.ok(job?.cluster);
    assert.equal(job.cluster.path, '/w/clusters/dev.cluster.yaml');
    assert.equal(job.cluster.spec.name, 'dev');
    assert.equal(job.cluster.ok, true);
    // The rules saw the cluster: the misspelt attribute is reported against its nodes.
    assert.deepEqual(codes(checked.problems), ['spec/unknown-attribute']);
    assert.equal(checked.clusters.length, 0, 'a referenced cluster is not one of this file\'s documents');
  });

  test('./ and nested ./.. segments are normalised', () => {
    const host = fakeHost({ '/w/dev.cluster.yaml': DEV });
    const checked = createSpecChecker().check('/w/jobs/web.job.yaml', jobText('./../jobs/../dev.cluster.yaml'), host);
    assert.deepEqual(host.reads, ['/w/dev.cluster.yaml']);
    assert.deepEqual(checked.problems, []);
    assert.equal(checked.jobs[0]?.ok, true);
  });

  test('the name of a Cluster document of the same file, without reading any file', () => {
    const host = fakeHost({});
    const text = `${DEV}---\n${jobText('dev', '    constraints: [[hostname, IS, node3]]\n')}`;
    const checked = createSpecChecker().check('/w/all.yaml', text, host);
    assert.deepEqual(host.reads, []);
    assert.equal(checked.clusters.length, 1);
    assert.equal(checked.jobs.length, 1);
    const job = checked.jobs[0];
    assert.ok(job?.cluster);
    assert.equal(job.cluster.path, '/w/all.yaml');
    assert.equal(job.cluster.spec.name, 'dev');
    const p = checked.problems[0];
    assert.ok(p);
    assert.deepEqual(codes(checked.problems), ['spec/unknown-node']);
    assert.equal(slice(text, p), '[hostname, IS, node3]');
  });

  test('a Cluster document after the job in the same file is found too', () => {
    const text = `${jobText('dev')}---\n${DEV}`;
    const checked = createSpecChecker().check('/w/all.yaml', text, fakeHost({}));
    assert.deepEqual(checked.problems, []);
    assert.equal(checked.jobs[0]?.cluster?.spec.name, 'dev');
  });

  test('a misspelt in-file name is unknown-cluster on the reference, and no file is read', () => {
    const host = fakeHost({});
    const text = `${DEV}---\n${jobText('dve')}`;
    const checked = createSpecChecker().check('/w/all.yaml', text, host);
    assert.deepEqual(host.reads, []);
    const [p] = checked.problems;
    assert.ok(p);
    assert.deepEqual(codes(checked.problems), ['spec/unknown-cluster']);
    assert.equal(slice(text, p), 'dve');
    assert.equal(checked.jobs[0]?.cluster, undefined);
  });

  test('an unreadable file is unknown-cluster on the reference; cluster-dependent rules stay quiet', () => {
    const host = fakeHost({});
    const text = jobText('./missing.cluster.yaml', '    constraints: [[zoen, UNIQUE]]\n    dependsOn: [dbb]\n');
    const checked = createSpecChecker().check('/w/web.job.yaml', text, host);
    assert.deepEqual(host.reads, ['/w/missing.cluster.yaml']);
    assert.deepEqual(codes(checked.problems).sort(), ['spec/unknown-cluster', 'spec/unknown-dependency']);
    const p = checked.problems.find((x) => x.code === 'spec/unknown-cluster');
    assert.ok(p);
    assert.equal(slice(text, p), './missing.cluster.yaml');
    assert.equal(p.severity, 'error');
    assert.equal(checked.jobs[0]?.ok, false);
  });

  test('a file the host does not read (a FIFO, too large) is cluster-unreadable on the reference, with the reason', () => {
    const host: SpecHost = { readFile: () => ({ unreadable: 'is a FIFO, not a regular file' }) };
    const text = jobText('./fifo.cluster.yaml', '    constraints: [[zoen, UNIQUE]]\n');
    const checked = createSpecChecker().check('/w/web.job.yaml', text, host);
    assert.deepEqual(codes(checked.problems), ['spec/cluster-unreadable']);
    const [p] = checked.problems;
    assert.ok(p);
    assert.equal(slice(text, p), './fifo.cluster.yaml');
    assert.equal(p.message, 'the cluster file ./fifo.cluster.yaml is not read: it is a FIFO, not a regular file');
    assert.equal(checked.jobs[0]?.cluster, undefined);
  });

  test('a file without a Cluster document is unknown-cluster', () => {
    const host = fakeHost({ '/w/other.job.yaml': jobText('./dev.cluster.yaml') });
    const checked = createSpecChecker().check('/w/web.job.yaml', jobText('./other.job.yaml'), host);
    assert.deepEqual(codes(checked.problems), ['spec/unknown-cluster']);
  });

  test('a cluster file with errors is cluster-invalid on the reference; its own problems stay in its file', () => {
    const broken = DEV.replace('mem: 4Gi', 'mem: 4 GB');
    const host = fakeHost({ '/w/dev.cluster.yaml': broken });
    const text = jobText('./dev.cluster.yaml', '    constraints: [[zoen, UNIQUE]]\n');
    const checker = createSpecChecker();
    const checked = checker.check('/w/web.job.yaml', text, host);
    const [p] = checked.problems;
    assert.ok(p);
    assert.deepEqual(codes(checked.problems), ['spec/cluster-invalid']);
    assert.equal(slice(text, p), './dev.cluster.yaml');
    const job = checked.jobs[0];
    assert.ok(job?.cluster);
    assert.equal(job.cluster.ok, false);
    assert.equal(job.ok, false);
    // The cluster file checked on its own reports the mistake itself.
    assert.deepEqual(codes(checker.check('/w/dev.cluster.yaml', broken, host).problems), ['spec/bad-unit']);
  });

  test('a cluster file with only warnings is usable', () => {
    const host = fakeHost({ '/w/dev.cluster.yaml': DEV.replace('mem: 4Gi', 'mem: 4') });
    const checked = createSpecChecker().check('/w/web.job.yaml', jobText('./dev.cluster.yaml'), host);
    assert.deepEqual(checked.problems, []);
    assert.equal(checked.jobs[0]?.cluster?.ok, true);
  });

  test('a changed cluster file is checked again (no stale cache)', () => {
    const files: Record<string, string> = { '/w/dev.cluster.yaml': DEV };
    const host = fakeHost(files);
    const checker = createSpecChecker();
    const text = jobText('./dev.cluster.yaml', '    constraints: [[hostname, IS, node3]]\n');
    assert.deepEqual(codes(checker.check('/w/web.job.yaml', text, host).problems), ['spec/unknown-node']);
    files['/w/dev.cluster.yaml'] = `${DEV}  - name: node3\n    resources: { cpus: 1, mem: 1Gi }\n`;
    assert.deepEqual(codes(checker.check('/w/web.job.yaml', text, host).problems), []);
    files['/w/dev.cluster.yaml'] = DEV.replace('cpus: 2,', 'cpus: two,');
    assert.deepEqual(codes(checker.check('/w/web.job.yaml', text, host).problems), ['spec/cluster-invalid']);
  });
});

describe('kinds', () => {
  test('from the file name when a document does not say', () => {
    assert.equal(kindFromPath('/a/dev.cluster.yaml'), 'Cluster');
    assert.equal(kindFromPath('dev.cluster.yml'), 'Cluster');
    assert.equal(kindFromPath('web.job.yaml'), 'Job');
    assert.equal(kindFromPath('web.job.yml'), 'Job');
    assert.equal(kindFromPath('web.yaml'), undefined);
    assert.equal(kindFromPath('job.yaml'), undefined);

    const noKind = DEV.replace('kind: Cluster\n', '');
    const checked = createSpecChecker().check('/w/dev.cluster.yaml', noKind, fakeHost({}));
    assert.equal(checked.clusters.length, 1, 'a Cluster by its file name');
    assert.equal(checked.clusters[0]?.spec.nodes.length, 2);
    // The schema still asks every document to say its kind.
    assert.deepEqual(codes(checked.problems), ['spec/missing-field']);
  });

  test('a document\'s own kind wins over the file name', () => {
    const checked = createSpecChecker().check('/w/web.job.yaml', DEV, fakeHost({}));
    assert.equal(checked.clusters.length, 1);
    assert.equal(checked.jobs.length, 0);
    assert.deepEqual(checked.problems, []);
  });

  test('no kind and no telling file name: unknown-kind at the document start', () => {
    const text = jobText('./dev.cluster.yaml').replace('kind: Job\n', '');
    const checked = createSpecChecker().check('/w/web.yaml', text, fakeHost({}));
    assert.deepEqual(codes(checked.problems), ['spec/unknown-kind']);
    assert.equal(checked.problems[0]?.span.start, 0);
    assert.equal(checked.jobs.length, 0);
  });

  test('an unknown kind is reported on its value, with did-you-mean data, and nothing else is checked', () => {
    const text = jobText('./dev.cluster.yaml').replace('kind: Job', 'kind: Jobs').replace('mem: 1Gi', 'mem: 1 GB');
    const checked = createSpecChecker().check('/w/web.job.yaml', text, fakeHost({}));
    const [p] = checked.problems;
    assert.ok(p);
    assert.deepEqual(codes(checked.problems), ['spec/unknown-kind']);
    assert.equal(slice(text, p), 'Jobs');
    assert.ok(p.data?.kind === 'did-you-mean');
    assert.deepEqual(p.data.candidates, ['Job']);
    assert.equal(checked.jobs.length + checked.clusters.length, 0);
  });

  test('isBerthFile: by name, or by apiVersion berth/v1', () => {
    assert.equal(isBerthFile('a/dev.cluster.yml', ''), true);
    assert.equal(isBerthFile('a/x.yaml', 'apiVersion: berth/v1\nkind: Job\n'), true);
    assert.equal(isBerthFile('a/x.yaml', 'kind: Job\napiVersion: "berth/v1"\n'), true);
    assert.equal(isBerthFile('a/x.yaml', 'apiVersion: apps/v1\nkind: Deployment\n'), false);
    assert.equal(isBerthFile('a/x.yaml', '# apiVersion: berth/v1\n'), false);
  });
});

describe('results', () => {
  test('problems of every document are sorted by position', () => {
    const text = `${jobText('dev', '    dependsOn: [db]\n    restart: sometimes\n')}---\n${DEV.replace('mem: 4Gi', 'mem: 4')}`;
    const checked = createSpecChecker().check('/w/all.yaml', text, fakeHost({}));
    assert.deepEqual(codes(checked.problems), ['spec/unknown-dependency', 'spec/invalid-value', 'spec/implausible-value']);
    const starts = checked.problems.map((p) => p.span.start);
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
  });

  test('without rules (what completion asks for), the same documents and models but no rule problems', () => {
    const text = `${jobText('dev', '    dependsOn: [db]\n  - name: api\n    resources: { cpus: 1, mem: 1Gi }\n')}---\n${DEV}`;
    const full = createSpecChecker().check('/w/all.yaml', text, fakeHost({}));
    const lean = createSpecChecker(undefined, { rules: false }).check('/w/all.yaml', text, fakeHost({}));
    assert.deepEqual(codes(full.problems).sort(), ['spec/duplicate-name', 'spec/unknown-dependency']);
    assert.deepEqual(lean.problems, []);
    assert.deepEqual(lean.jobs.map((j) => j.spec), full.jobs.map((j) => j.spec));
    assert.deepEqual(lean.clusters.map((c) => c.spec), full.clusters.map((c) => c.spec));
  });

  test('an empty file or a file of comments has no documents and no problems', () => {
    for (const text of ['', '\n', '# nothing here\n', '---\n', '---\n...\n']) {
      const checked = createSpecChecker().check('/w/web.job.yaml', text, fakeHost({}));
      assert.deepEqual(checked.problems, [], JSON.stringify(text));
      assert.equal(checked.jobs.length, 0);
    }
  });

  test('a valid job against a valid cluster is ok and silent', () => {
    const host = fakeHost({ '/w/dev.cluster.yaml': DEV });
    const checked = createSpecChecker().check('/w/web.job.yaml', jobText('./dev.cluster.yaml'), host);
    assert.deepEqual(checked.problems, []);
    assert.equal(checked.jobs[0]?.ok, true);
    assert.equal(checked.jobs[0]?.spec.tasks.length, 1);
  });
});

describe('priming', () => {
  test('the primer parses the job\'s items and its cluster file\'s, then validates and models them; the check after it does neither', () => {
    const host = fakeHost({ '/w/clusters/dev.cluster.yaml': DEV });
    const text = jobText('../clusters/dev.cluster.yaml', '  - name: web\n    resources: { cpus: 1, mem: 1Gi }\n');
    // The real validator, counting the items it validates.
    const real = createSchemaValidator();
    let validated = 0;
    const schema: SchemaValidator = { ...real, validateItem: (...args) => (validated++, real.validateItem(...args)) };
    const checker = createSpecChecker(schema);
    const cache = createParseCache();
    const primer = checker.prime('/w/jobs/web.job.yaml', text, host, cache);
    const steps: boolean[] = [];
    const parsed = yamlParses(() => {
      for (let done = false; !done; ) steps.push((done = primer.step(itemsPerStep(1))));
    });
    // One item per step: two tasks and two nodes parsed, then validated and modelled.
    assert.deepEqual(steps, [false, false, false, false, false, false, false, true]);
    assert.equal(parsed, 4 + 2, 'each item once, and the two skeletons');
    assert.equal(validated, 4);
    let problems: readonly Problem[] = [];
    const checkParses = yamlParses(() => (problems = checker.check('/w/jobs/web.job.yaml', text, host, cache).problems));
    assert.equal(checkParses, 2, 'the job\'s and the cluster\'s skeleton only');
    assert.equal(validated, 4, 'no item validated again');
    assert.deepEqual(codes(problems), codes(createSpecChecker().check('/w/jobs/web.job.yaml', text, host).problems));
  });
});
