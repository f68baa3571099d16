/** Runs one rule on YAML text, bypassing the schema, so each rule is tested on its own. */
import assert from 'node:assert/strict';
import type { ClusterSpec, JobSpec, Problem, Span } from '../../../server/engine/model';
import { parseSpec } from '../../../server/engine/spec/parseSpec';
import { checkJob as runJobCheck, type Rule } from '../../../server/engine/rules';
import { toCluster, toJob } from '../../../server/engine/spec/toModel';

export function jobOf(text: string): JobSpec {
  const doc = parseSpec(text).documents[0];
  assert.ok(doc, 'no document');
  return toJob(doc).spec;
}

export function clusterOf(text: string): ClusterSpec {
  const doc = parseSpec(text).documents[0];
  assert.ok(doc, 'no document');
  return toCluster(doc).spec;
}

/** The rule's problems for a job (and its cluster, if given); every code must be one the rule declares. */
/** `clusterText` null: the job's cluster did not resolve. */
export function checkJob(rule: Rule, jobText: string, clusterText: string | null): Problem[] {
  assert.ok(rule.createJobCheck, 'the rule has no job check');
  const problems = runJobCheck(rule, { job: jobOf(jobText), cluster: clusterText === null ? undefined : clusterOf(clusterText) });
  for (const p of problems) assert.ok(rule.codes.includes(p.code), `${p.code} is not among the rule's codes ${rule.codes.join(', ')}`);
  return problems;
}

export function checkCluster(rule: Rule, clusterText: string): Problem[] {
  assert.ok(rule.checkCluster, 'the rule has no cluster check');
  const problems = rule.checkCluster({ cluster: clusterOf(clusterText) });
  for (const p of problems) assert.ok(rule.codes.includes(p.code), `${p.code} is not among the rule's codes`);
  return problems;
}

/** [code, severity, the text under the span] for each problem. */
export function summary(text: string, problems: readonly Problem[]): [string, string, string][] {
  return problems.map((p) => [p.code, p.severity, slice(text, p.span)]);
}

export function slice(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

export const HEAD = `apiVersion: berth/v1
kind: Job
name: web
cluster: ./dev.cluster.yaml
`;

/** Three nodes in two zones: node1 (2 cpu, 4Gi, 10Gi), node2 (4, 8Gi, 20Gi), node3 (8, 16Gi, 50Gi, 1 gpu). */
export const CLUSTER = `apiVersion: berth/v1
kind: Cluster
name: dev
nodes:
  - name: node1
    resources: { cpus: 2, mem: 4Gi, disk: 10Gi, ports: "31000-31099" }
    attributes: { zone: a, rack: r1 }
  - name: node2
    resources: { cpus: 4, mem: 8Gi, disk: 20Gi, ports: ["31000-31009", 8080] }
    attributes: { zone: a, rack: r2, gen: 3 }
  - name: node3
    resources: { cpus: 8, mem: 16Gi, disk: 50Gi, gpus: 1, ports: [8080, 9090] }
    attributes: { zone: b, rack: r3, ssd: true }
`;

/** A job of one task `api` with the given extra task lines (indented 4). */
export function oneTask(lines: string, resources = '{ cpus: 1, mem: 1Gi }'): string {
  return `${HEAD}tasks:\n  - name: api\n    resources: ${resources}\n${lines}`;
}
