/**
 * `berth export JOB --format stack`: the job as a compose file for `docker stack deploy`, with
 * Berth's placements as pins, its resources as reservations and limits, and its ports in host
 * mode — what a deploy on the empty cluster would do, handed to a team's own pipeline. The
 * services carry `berth.job`/`berth.task`/`berth.node` labels but no `berth.cluster`: they are the
 * stack's, and Berth's controller never touches them.
 */
import { stringify } from 'yaml';
import { allocate } from '../../../server/engine/alloc';
import type { ClusterSpec, JobSpec } from '../../../server/engine/model';
import { recordsOf } from '../deploy';
import { LABEL, type TaskRecord } from '../labels';
import { jobsOf } from '../state';
import { pinOf } from './services';

const RESTART = { never: 'none', 'on-failure': 'on-failure', always: 'any' } as const;

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function serviceOf(cluster: string, r: TaskRecord, node: string | undefined, ports: readonly number[]): Record<string, unknown> {
  const res = r.instance.resources;
  const env: Record<string, string> = { ...r.env, BERTH_CLUSTER: cluster, BERTH_JOB: r.instance.job, BERTH_TASK: r.instance.name, BERTH_NODE: node ?? '' };
  ports.forEach((p, i) => (env[`PORT${i}`] = String(p)));
  if (ports.length > 0) env['BERTH_PORTS'] = ports.join(',');
  const amounts = { ...(res.cpus > 0 ? { cpus: String(res.cpus / 1000) } : {}), ...(res.mem > 0 ? { memory: `${res.mem}M` } : {}) };
  const hc = r.healthCheck;
  return {
    image: r.image,
    ...(r.command ? { command: [...r.command] } : {}),
    environment: env,
    ...(hc ? { healthcheck: { test: ['CMD', ...hc.command], interval: duration(Math.max(hc.interval, 1)), timeout: duration(Math.max(hc.timeout, 1)), retries: hc.retries, start_period: duration(hc.startPeriod) } } : {}),
    ...(ports.length > 0 ? { ports: ports.map((p) => ({ target: p, published: p, protocol: 'tcp', mode: 'host' })) } : {}),
    deploy: {
      replicas: node === undefined ? 0 : 1,
      ...(node === undefined ? {} : { placement: { constraints: [pinOf(node)] } }),
      resources: { reservations: { ...amounts, ...(res.gpus > 0 ? { generic_resources: [{ discrete_resource_spec: { kind: 'gpu', value: res.gpus } }] } : {}) }, limits: amounts },
      restart_policy: { condition: RESTART[r.restart], delay: '500ms' },
      labels: { [LABEL.job]: r.instance.job, [LABEL.task]: r.instance.name, [LABEL.node]: node ?? '' },
    },
  };
}

/** The compose file (YAML text). Service names are `<job>-<instance>`; `docker stack deploy -c FILE STACK` prefixes them with the stack. */
export function toStack(cluster: ClusterSpec, job: JobSpec, image?: string): string {
  const records = recordsOf(cluster, job, image);
  const plan = allocate({ nodes: cluster.nodes, jobs: jobsOf(records), current: new Map(), down: new Set() });
  const services: Record<string, unknown> = {};
  const unplaced: string[] = [];
  for (const r of records) {
    const result = plan.tasks.get(r.instance.id);
    const placed = result?.kind === 'placed' ? result : undefined;
    if (!placed) unplaced.push(r.instance.id);
    services[`${r.instance.job}-${r.instance.name}`] = serviceOf(cluster.name, r, placed?.node, placed?.ports ?? []);
  }
  const head = [
    `# Job ${job.name} on cluster ${cluster.name}, placed by Berth: deploy with  docker stack deploy -c FILE STACK`,
    '# Each service is pinned to its planned node by the berth.node label (berth up --engine swarm sets it).',
    ...(unplaced.length > 0 ? [`# No node has room for ${unplaced.join(', ')}: replicas 0.`] : []),
  ];
  return `${head.join('\n')}\n${stringify({ version: '3.8', services })}`;
}
