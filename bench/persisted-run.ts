/**
 * W4-sqlite and W4-memory: W1-noop with the run persisted, measured the way
 * the peer's w4_persistence.py measures it. Each run starts from a fresh,
 * empty store whose opening is setup (the peer's `backend_setup_s`, excluded);
 * the figure is the W1 span per atom; afterwards a second backend object
 * reads the run back and every atom must be SUCCESS (the peer's `verify`).
 */
import { MemoryBackend, SqliteBackend, states, type FlowDetail } from '../engine/index.js';
import { commitLoopPerAtom, commitsPerRun } from './commit-limit.js';
import { linearNoop } from './flows.js';
import { totalPerAtom, type Measurement } from './measurement.js';
import { removeDatabase, scratchFile } from './sqlite-files.js';

/** SQLite's `synchronous` setting, as `SqliteBackend` takes it. */
export type Synchronous = 'full' | 'normal';

/**
 * Throws unless the run as read back is SUCCESS with `n` atom details, all
 * SUCCESS: a run that persisted less must not report a figure.
 */
function checkPersisted(fd: FlowDetail, n: number, where: string): void {
  let ok = 0;
  for (const ad of fd) if (ad.state === states.SUCCESS) ok++;
  if (ok !== n || fd.atoms.size !== n || fd.state !== states.SUCCESS) {
    throw new Error(
      `W4 ${where}: read back ${fd.atoms.size} atom details, ${ok} SUCCESS, flow ${String(fd.state)}; expected ${n}, all SUCCESS`,
    );
  }
}

/**
 * One W4-sqlite run on a fresh file in the OS temporary folder, deleted
 * afterwards. The check opens a new `SqliteBackend` on the file while the
 * run's own is still open, so it sees only what was committed, not what
 * `close()` might still write.
 */
export async function sqlitePerAtom(n: number, synchronous: Synchronous): Promise<Measurement> {
  const file = scratchFile('w4');
  removeDatabase(file);
  const backend = new SqliteBackend(file, { synchronous });
  try {
    const { m, engine } = await totalPerAtom(() => linearNoop(n), n, backend);
    const reader = new SqliteBackend(file);
    try {
      checkPersisted(reader.getFlowDetail(engine.storage.flowDetail.uuid), n, `sqlite (${synchronous})`);
    } finally {
      reader.close();
    }
    return m;
  } finally {
    backend.close();
    removeDatabase(file);
  }
}

/** Runs of {@link sqliteBesideLimit} so far in this process: it alternates which of the two goes first. */
let pairs = 0;

/**
 * One W4-sqlite run and, right beside it, one run of its limit (as many bare
 * durable commits as the engine makes, same `synchronous`; commit-limit.ts),
 * the two in turns first, so that both see the disk as it is at that moment.
 * The figure is the engine's; the limit rides along in `limit`.
 */
export async function sqliteBesideLimit(n: number, synchronous: Synchronous): Promise<Measurement> {
  const commits = await commitsPerRun(n);
  const limitFirst = pairs++ % 2 === 1;
  const before = limitFirst ? commitLoopPerAtom(n, commits, synchronous) : undefined;
  const m = await sqlitePerAtom(n, synchronous);
  const limit = before ?? commitLoopPerAtom(n, commits, synchronous);
  return { ...m, limit: limit.value, commitsPerAtom: commits / n };
}

/** One W4-memory run: the same flow on a new `MemoryBackend`, read back from the backend (it keeps copies). */
export async function memoryPerAtom(n: number): Promise<Measurement> {
  const backend = new MemoryBackend();
  const { m, engine } = await totalPerAtom(() => linearNoop(n), n, backend);
  checkPersisted(backend.getFlowDetail(engine.storage.flowDetail.uuid), n, 'memory');
  return m;
}
