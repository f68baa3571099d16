/** `berth status [CLUSTER] [--json] [--no-usage]`: nodes and tasks as Docker has them. */
import { clusterNameOf, createDocker, engineOf, isClusterError, listAllClusters, type ClusterStatus } from '../../client/cluster';
import { formatCpus, formatMemory } from '../../server/engine/spec/units';
import { UsageError, type CliIo } from '../io';
import { commandArgs } from '../args';

export const STATUS_USAGE = 'usage: berth status [CLUSTER] [--json] [--no-usage]   (every Berth cluster when none is named)';

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

function mib(bytes: number): string {
  return formatMemory(Math.round(bytes / (1024 * 1024)));
}

export function renderStatus(s: ClusterStatus): string {
  const where = s.engine === 'swarm' ? `swarm, manager ${s.manager ?? '?'}` : `local, host: ${s.hostCpus} cores`;
  const out: string[] = [`cluster ${s.cluster} (${where})`, ''];
  out.push(
    table([
      ['NODE', 'STATE', 'CPUS', 'MEM', 'DISK', 'USAGE', 'TASKS'],
      ...s.nodes.map((n) => [
        n.name,
        n.state,
        `${formatCpus(n.allocated.cpus)}/${formatCpus(n.capacity.cpus)}`,
        `${formatMemory(n.allocated.mem)}/${formatMemory(n.capacity.mem)}`,
        `${formatMemory(n.allocated.disk)}/${formatMemory(n.capacity.disk)}`,
        n.usage ? `${n.usage.cpuPercent.toFixed(0)}% cpu, ${mib(n.usage.memory)}` : '-',
        String(n.tasks.length),
      ]),
    ]),
  );
  for (const n of s.nodes) if (n.note) out.push(`  ${n.name}: ${n.note}`);
  if (s.usageNote) out.push(`  ${s.usageNote}`);
  out.push('');
  if (s.tasks.length === 0) out.push('no tasks');
  else {
    out.push(
      table([
        ['TASK', 'NODE', 'STATE', 'HEALTH', 'RESTARTS', 'PORTS', 'FAILOVER'],
        ...s.tasks.map((t) => [
          t.id,
          t.node || '-',
          t.state,
          t.health ?? '-',
          String(t.restarts),
          t.addresses.map((a) => (a.address ? `${a.port}→${a.address}` : `${a.port} (not published)`)).join(', ') || '-',
          t.failover ? `from ${t.failover.from} (predicted ${t.failover.predicted || 'no node'})` : '-',
        ]),
      ]),
    );
  }
  return `${out.join('\n')}\n`;
}

export async function runStatus(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = commandArgs({ args: [...argv], options: { json: { type: 'boolean', default: false }, 'no-usage': { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
  if (positionals.length > 1) throw new UsageError(STATUS_USAGE);
  const usage = !values['no-usage'];
  let statuses: ClusterStatus[];
  if (positionals[0] !== undefined) {
    const name = clusterNameOf(positionals[0], io.cwd);
    statuses = [await (await engineOf(name)).status(name, { usage })];
  } else {
    // Every cluster: the local engine's (when it answers) and every Swarm one.
    const all = await listAllClusters(createDocker()).catch(async (err: unknown) => {
      if (!isClusterError(err, 'docker/unreachable')) throw err;
      const swarm = await listAllClusters(undefined);
      if (swarm.length === 0) throw err;
      return swarm;
    });
    statuses = await Promise.all(all.map(async (c) => (await engineOf(c.name)).status(c.name, { usage })));
  }
  if (values.json) io.out(`${JSON.stringify(positionals[0] !== undefined ? statuses[0] : statuses, null, 2)}\n`);
  else if (statuses.length === 0) io.out('no Berth cluster is up\n');
  else io.out(statuses.map(renderStatus).join('\n'));
  return 0;
}
