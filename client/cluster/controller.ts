/**
 * The controller (`berth watch`, or the extension): follows the cluster's Docker events and
 * reconciles after each (debounced, one pass at a time), and every `resyncMs` anyway. It acts only
 * while it holds the cluster's lease; otherwise it stays passive and takes over when the lease
 * expires. When the daemon goes away it reports it, retries, and catches up from Docker's state.
 */
import type Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { messageOf } from './errors';
import { createLease, type Lease } from './lease';
import { createMemory, reconcile, type ControllerEvent, type ReconcileMemory } from './reconcile';
import { clusterFilter } from './labels';
import { readCluster } from './state';

export type { ControllerEvent } from './reconcile';

export interface ControllerOptions {
  /** This controller's lease holder id (default host:pid:random). */
  readonly id?: string;
  /** Lease lifetime without renewal, in seconds (default 10). */
  readonly leaseSeconds?: number;
  /** Full pass and lease renewal period (default 2000 ms). */
  readonly resyncMs?: number;
  readonly onEvent?: (e: ControllerEvent) => void;
}

export interface Controller {
  readonly id: string;
  /** Does this controller hold the lease (and act)? */
  isActive(): boolean;
  /** Resolves after the next full pass (or lease check, when passive). */
  settled(): Promise<void>;
  /** Stops watching and gives the lease up. */
  stop(): Promise<void>;
}

/** What an engine gives the controller loop: its lease, one reconcile pass, and its event stream. */
export interface ControllerEngine {
  lease(holder: string, ttlSeconds: number): Lease;
  reconcile(memory: ReconcileMemory, emit: (e: ControllerEvent) => void): Promise<number | undefined>;
  /** The engine's event stream for the cluster (newline-separated JSON). */
  events(): Promise<NodeJS.ReadableStream>;
  /** Does this event line call for a pass? */
  relevant(line: string): boolean;
}

export function newControllerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** The local engine's controller: Docker container events, the lease container, `reconcile`. */
export function startController(docker: Docker, cluster: string, options: ControllerOptions = {}): Controller {
  return startControllerLoop(
    {
      lease: (holder, ttl) => createLease(docker, cluster, holder, async () => (await readCluster(docker, cluster)).nodes[0]?.record.image, ttl),
      reconcile: (memory, emit) => reconcile(docker, cluster, memory, emit),
      events: () => docker.getEvents({ filters: { type: ['container'], ...clusterFilter(cluster) } }),
      relevant: (line) => /"(status|Action)":"(die|start|destroy|create|stop|kill|health_status[^"]*)"/.test(line),
    },
    options,
  );
}

/**
 * The controller loop both engines share: passes one at a time (debounced after event bursts,
 * and every `resyncMs` anyway), acting only while it holds the lease.
 */
export function startControllerLoop(engine: ControllerEngine, options: ControllerOptions = {}): Controller {
  const id = options.id ?? newControllerId();
  const emit = options.onEvent ?? (() => undefined);
  const resyncMs = options.resyncMs ?? 2000;
  const lease = engine.lease(id, options.leaseSeconds ?? 10);
  const memory = createMemory();
  let active = false;
  let stopped = false;
  let connected = true;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let dueTimer: NodeJS.Timeout | undefined;
  let events: NodeJS.ReadableStream | undefined;
  let waiters: (() => void)[] = [];
  let debounce: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;

  const setConnected = (ok: boolean, err?: unknown): void => {
    if (ok === connected) return;
    connected = ok;
    emit({ kind: 'connection', connected: ok, ...(err !== undefined ? { message: messageOf(err) } : {}) });
  };

  const pass = async (): Promise<void> => {
    try {
      const state = await lease.tryAcquire();
      // The daemon answered: say so before the reconcile, which may take a while (it starts containers).
      setConnected(true);
      const nowActive = state.kind === 'held';
      if (nowActive !== active) {
        active = nowActive;
        emit({ kind: 'lease', active, holder: state.kind === 'other' ? state.holder : id });
      }
      if (active) {
        const due = await engine.reconcile(memory, emit);
        if (dueTimer) clearTimeout(dueTimer);
        if (due !== undefined && !stopped) dueTimer = setTimeout(schedule, Math.max(0, due - Date.now()));
      }
    } catch (err) {
      if (stopped) return;
      const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
      if (code === 'docker/unreachable') setConnected(false, err);
      else emit({ kind: 'error', message: messageOf(err) });
    }
    if (!events) await watchEvents();
  };

  /** Runs a pass now, or right after the one in progress. */
  function schedule(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pass().finally(() => {
      running = undefined;
      const ws = waiters;
      waiters = [];
      for (const w of ws) w();
      if (again) {
        again = false;
        schedule();
      }
    });
  }

  async function watchEvents(): Promise<void> {
    if (stopped || events) return;
    try {
      const stream = await engine.events();
      events = stream;
      setConnected(true);
      let buffer = '';
      stream.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let nl: number;
        let any = false;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (engine.relevant(line)) any = true;
        }
        if (any && !debounce) {
          // Events come in bursts (a node and its tasks die together): one pass for the burst.
          debounce = setTimeout(() => {
            debounce = undefined;
            schedule();
          }, 50);
        }
      });
      const openedAt = Date.now();
      const lost = (err?: unknown): void => {
        if (events !== stream) return;
        events = undefined;
        if (stopped) return;
        setConnected(false, err ?? new Error('the event stream ended'));
        // A daemon shutting down accepts and drops connections: retry at once only after a stream that lived.
        retry = setTimeout(schedule, Date.now() - openedAt < 2000 ? 1000 : 100);
      };
      stream.on('end', () => lost());
      stream.on('close', () => lost());
      stream.on('error', (err: unknown) => lost(err));
      schedule(); // catch up with anything that happened before the stream was open
    } catch (err) {
      setConnected(false, err);
    }
  }

  timer = setInterval(schedule, resyncMs);
  schedule();

  return {
    id,
    isActive: () => active,
    settled: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        schedule();
      }),
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (dueTimer) clearTimeout(dueTimer);
      if (debounce) clearTimeout(debounce);
      if (retry) clearTimeout(retry);
      timer = undefined;
      const s = events;
      events = undefined;
      (s as unknown as { destroy?: () => void } | undefined)?.destroy?.();
      await running;
      if (active) await lease.release();
      active = false;
    },
  };
}
