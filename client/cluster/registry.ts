/**
 * Which engine holds a cluster, for the clusters Docker's own labels cannot tell about: a Swarm
 * cluster leaves a record in a Berth-owned folder (`<state dir>/<cluster>/swarm.json`), so
 * `status`, `watch`, `down` and the tree find its engine and manager without a flag. A local
 * cluster has no record: its containers on the local engine are its state.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Berth's folder for engine records and test swarms: BERTH_STATE_DIR, else /run/berth as root. */
export function stateRoot(): string {
  const set = process.env['BERTH_STATE_DIR'];
  if (set) return set;
  const uid = process.getuid?.() ?? 0;
  return uid === 0 ? '/run/berth' : join(process.env['XDG_RUNTIME_DIR'] || tmpdir(), `berth-${uid}`);
}

/** The folder of one cluster: its record, and for a test swarm its daemons' sockets and data. */
export function clusterDir(cluster: string): string {
  return join(stateRoot(), cluster);
}

export interface TestNodeRecord {
  readonly name: string;
  /** Folder of this node's daemon (socket, data root, exec root, pid file, log). */
  readonly dir: string;
  /** The node's network namespace, `berth-<cluster>-<node>`. */
  readonly netns: string;
  /** The veth end on the cluster's bridge (in the bridge's namespace): down = the node is cut off. */
  readonly link: string;
  readonly address: string;
}

export type SwarmRecord =
  | { readonly engine: 'swarm'; readonly kind: 'existing'; readonly cluster: string; readonly manager: string }
  | {
      readonly engine: 'swarm';
      readonly kind: 'test';
      readonly cluster: string;
      readonly manager: string;
      /** The namespace holding the bridge that joins the nodes. */
      readonly bridgeNetns: string;
      readonly nodes: readonly TestNodeRecord[];
      /** Set once the swarm is formed and labelled; a record without it is a cut `up`. */
      readonly complete: boolean;
    };

const FILE = 'swarm.json';

export function readRecord(cluster: string): SwarmRecord | undefined {
  let text: string;
  try {
    text = readFileSync(join(clusterDir(cluster), FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = JSON.parse(text) as SwarmRecord;
    return r.engine === 'swarm' && r.cluster === cluster ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Written atomically (a killed `up` leaves the old record or the new one, never half of one). */
export function writeRecord(record: SwarmRecord): void {
  const dir = clusterDir(record.cluster);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `${FILE}.${process.pid}`);
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, join(dir, FILE));
}

/** Removes the record, and the cluster's folder when nothing else is in it (an existing swarm's holds only the record). */
export function removeRecord(cluster: string): void {
  const dir = clusterDir(cluster);
  rmSync(join(dir, FILE), { force: true });
  try {
    rmdirSync(dir);
  } catch {
    // not empty (a test swarm's folder, which teardown removes) or already gone
  }
}

/** Every cluster with a Swarm record. */
export function listRecords(): SwarmRecord[] {
  let names: string[];
  try {
    names = readdirSync(stateRoot());
  } catch {
    return [];
  }
  return names.map(readRecord).filter((r): r is SwarmRecord => r !== undefined);
}
