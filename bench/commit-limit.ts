/**
 * W4-limit: what durability alone costs. The engine commits a few SQLite
 * transactions per atom (a task's RUNNING and SUCCESS transitions are one
 * durable write each); the limit is that many bare commits of one small row
 * update each, on a fresh file with the backend's pragmas, so that
 * W4-sqlite / W4-limit says how much the engine and backend add to the disk's
 * own cost. The limit is measured beside each W4-sqlite run, not in a
 * process of its own: on this kind of machine the time of one fsync drifts
 * by 5× within a minute, so only figures taken side by side can be divided.
 */
import Database from 'better-sqlite3';
import {
  load,
  SqliteBackend,
  states,
  type AtomDetail,
  type FlowDetail,
  type LogBook,
  type PersistenceBackend,
} from '../engine/index.js';
import { linearNoop } from './flows.js';
import { perAtom, type Measurement } from './measurement.js';
import type { Synchronous } from './persisted-run.js';
import { removeDatabase, scratchFile } from './sqlite-files.js';

type WriteOptions = Parameters<PersistenceBackend['updateAtomDetail']>[2];

/**
 * Passes every call to a `SqliteBackend` and counts its writes. The backend
 * commits each durable write (`saveLogbook`, `updateFlowDetail`, a durable
 * `updateAtomDetail`, `destroyLogbook`, `clearAll`) as one transaction before
 * returning (its documented contract), so counting those calls counts commits.
 * A non-durable write is buffered into the next durable write's transaction
 * and adds no commit of its own unless the buffer fills; they are counted
 * apart so that {@link commitsPerRun} can refuse to guess when there are any.
 */
class CountingBackend implements PersistenceBackend {
  readonly recordsEvents = true;
  commits = 0;
  nonDurable = 0;

  constructor(private readonly inner: SqliteBackend) {}

  saveLogbook(book: LogBook): void {
    this.commits++;
    this.inner.saveLogbook(book);
  }
  getLogbook(uuid: string): LogBook {
    return this.inner.getLogbook(uuid);
  }
  getLogbooks(): LogBook[] {
    return this.inner.getLogbooks();
  }
  destroyLogbook(uuid: string): void {
    this.commits++;
    this.inner.destroyLogbook(uuid);
  }
  updateFlowDetail(fd: FlowDetail, atoms?: readonly AtomDetail[], options?: WriteOptions): void {
    this.commits++;
    this.inner.updateFlowDetail(fd, atoms, options);
  }
  getFlowDetail(uuid: string): FlowDetail {
    return this.inner.getFlowDetail(uuid);
  }
  updateAtomDetail(flowUuid: string, ad: AtomDetail, options?: WriteOptions): void {
    if (options?.durable === false) this.nonDurable++;
    else this.commits++;
    this.inner.updateAtomDetail(flowUuid, ad, options);
  }
  clearAll(): void {
    this.commits++;
    this.inner.clearAll();
  }
  close(): void {
    this.inner.close();
  }
}

/**
 * The SQLite transactions one W4 run of `n` atoms commits, from `load()` to
 * the end of `run()`: one unmeasured engine run on a private in-memory
 * database (the count does not depend on durability), its writes counted.
 * For the no-op flow this is 2 per task (RUNNING, SUCCESS) + 4 per run (the
 * logbook, the atom details created, the flow's RUNNING and SUCCESS).
 *
 * @throws Error when the run made non-durable writes, whose commits this count cannot see.
 */
async function countCommits(n: number): Promise<number> {
  const counting = new CountingBackend(new SqliteBackend(':memory:'));
  try {
    const engine = load(linearNoop(n), { engine: 'serial', backend: counting });
    await engine.run();
    if (engine.storage.getFlowState() !== states.SUCCESS)
      throw new Error('W4-limit: the counting run failed');
    if (counting.nonDurable > 0) {
      throw new Error(
        `W4-limit: the run made ${counting.nonDurable} non-durable writes; count their commits before using this limit`,
      );
    }
    return counting.commits;
  } finally {
    counting.close();
  }
}

const commitsByN = new Map<number, number>();

/** {@link countCommits}, counted once per process and size. */
export async function commitsPerRun(n: number): Promise<number> {
  let commits = commitsByN.get(n);
  if (commits === undefined) {
    commits = await countCommits(n);
    commitsByN.set(n, commits);
  }
  return commits;
}

/**
 * One measured run of the limit: `commits` transactions, each `BEGIN
 * IMMEDIATE` (as the backend's) + one small row update + `COMMIT`, on a fresh
 * file in WAL mode with the given `synchronous`, cycling over `n` rows that
 * stand for the atoms. Creating the file and its rows is setup, excluded, as
 * opening the backend is for W4-sqlite. Returns µs per atom.
 */
export function commitLoopPerAtom(n: number, commits: number, synchronous: Synchronous): Measurement {
  const file = scratchFile('w4-limit');
  removeDatabase(file);
  const db = new Database(file);
  try {
    const mode: unknown = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`W4-limit: journal mode is ${String(mode)}, not wal`);
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.exec('CREATE TABLE atoms (id INTEGER PRIMARY KEY, state TEXT NOT NULL)');
    const insert = db.prepare<[number]>("INSERT INTO atoms (id, state) VALUES (?, 'PENDING')");
    db.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(i);
    })();
    const update = db.prepare<[string, number]>('UPDATE atoms SET state = ? WHERE id = ?');
    const commit = db.transaction((state: string, id: number) => {
      update.run(state, id);
    });
    const t0 = performance.now();
    // Transition k is atom ⌊k/2⌋'s RUNNING (k even) or SUCCESS (k odd), as the engine writes them.
    for (let k = 0; k < commits; k++) commit.immediate(k % 2 === 0 ? 'RUNNING' : 'SUCCESS', (k >> 1) % n);
    return perAtom(t0, performance.now(), n);
  } finally {
    db.close();
    removeDatabase(file);
  }
}
