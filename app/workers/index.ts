/**
 * The workers a front end shows: who is on the broker, what kinds each runs,
 * how busy it is, and when it was last heard from. A watch keeps a client on
 * the broker that hears every heartbeat; a listing waits briefly for answers.
 */
import { WorkerClient, type KnownWorker, type WorkerClientOptions } from '../../engine/index.js';

export type { KnownWorker };

/** Where to look for workers. */
export type WorkerWatchOptions = Pick<
  WorkerClientOptions,
  'url' | 'exchange' | 'topics' | 'tls' | 'connectTimeoutMs'
>;

/** A live view of the workers of some topics. */
export interface WorkerWatch {
  /** The workers known now, most recently seen first. */
  list(): KnownWorker[];
  /** Calls `listener` whenever a worker appears or goes; returns the unsubscribe. */
  onChange(listener: (workers: KnownWorker[]) => void): () => void;
  close(): Promise<void>;
}

function byLastSeen(workers: KnownWorker[]): KnownWorker[] {
  return workers.sort((a, b) => b.lastSeen - a.lastSeen || a.info.id.localeCompare(b.info.id));
}

/**
 * Starts watching.
 * @throws {BrokerUnavailable} when the broker cannot be reached.
 */
export async function watchWorkers(options: WorkerWatchOptions): Promise<WorkerWatch> {
  const client = await WorkerClient.connect({ ...options, log: () => undefined });
  return {
    list: () => byLastSeen(client.workers()),
    onChange: (listener) =>
      client.onWorkers((workers) => {
        listener(byLastSeen(workers));
      }),
    close: () => client.close(),
  };
}

/** The workers that answer within `waitMs` (default 1 s). */
export async function listWorkers(options: WorkerWatchOptions & { waitMs?: number }): Promise<KnownWorker[]> {
  const watch = await watchWorkers(options);
  try {
    await new Promise((r) => setTimeout(r, options.waitMs ?? 1000));
    return watch.list();
  } finally {
    await watch.close();
  }
}
