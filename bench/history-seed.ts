/**
 * W4-history's data: an SQLite file holding a history of real runs, made by
 * the engine through `SqliteBackend` exactly as an app would make them (a
 * logbook, flow and atom details, an event log per run), not rows inserted
 * behind the backend's back. Only the durability differs: the runs are
 * written with `synchronous: 'normal'` (no sync per commit), which changes
 * how long seeding takes, not what is in the file. Even so 100,000 runs take
 * about a minute, so the file is kept in the OS temporary folder and reused
 * by later benches; its name carries the schema version and the recipe
 * below, so a file of another schema or recipe is never reused.
 */
import { existsSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linear, load, SqliteBackend, task, type LinearFlow } from '../engine/index.js';
import { SCHEMA_VERSION } from '../engine/persistence/sqlite/schema.js';
import { noop } from './flows.js';
import { removeDatabase } from './sqlite-files.js';

/** Bump when the runs below change, so that cached files of the old recipe are not used. */
const RECIPE = 1;
/** Runs are of flows `flow-0` … `flow-9`, picked at random. */
export const FLOW_NAMES = 10;
/** About 1 run in 20 fails on its last task and ends REVERTED. */
const FAILURE_RATE = 0.05;
const TASKS = 3;

/** Where the history of `runs` runs is cached. */
export function historyFile(runs: number): string {
  return join(tmpdir(), `atomflow-bench-history-schema${SCHEMA_VERSION}-recipe${RECIPE}-${runs}.db`);
}

/** A fixed pseudo-random sequence (mulberry32), so every seeded file holds the same mix. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A small run of the history: three no-op tasks; with `fails`, the last throws and the run reverts. */
function historyFlow(name: string, fails: boolean): LinearFlow {
  const tasks = Array.from({ length: TASKS }, (_, i) =>
    task({
      name: `step${i}`,
      execute:
        fails && i === TASKS - 1
          ? () => {
              throw new Error('boom');
            }
          : noop,
      revert: noop,
    }),
  );
  return linear(name).add(...tasks);
}

async function seed(file: string, runs: number, log: (text: string) => void): Promise<void> {
  const backend = new SqliteBackend(file, { synchronous: 'normal' });
  try {
    const random = seededRandom(42);
    const step = Math.max(1, Math.round(runs / 10));
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) {
      const name = `flow-${Math.floor(random() * FLOW_NAMES)}`;
      const fails = random() < FAILURE_RATE;
      const engine = load(historyFlow(name, fails), { engine: 'serial', backend });
      try {
        await engine.run();
      } catch (e) {
        if (!fails || !(e instanceof Error) || e.message !== 'boom') throw e;
      }
      if ((i + 1) % step === 0) {
        log(
          `  [atomflow] seeding history: ${i + 1}/${runs} runs (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
        );
      }
    }
  } finally {
    backend.close();
  }
}

/**
 * The path of a history of `runs` runs, seeding it first unless a finished
 * one is cached. Seeding writes to a side file renamed into place once closed
 * (closing checkpoints the WAL into it), so an interrupted seeding is never
 * taken for a finished one.
 */
export async function ensureHistory(runs: number, log: (text: string) => void): Promise<string> {
  const file = historyFile(runs);
  if (existsSync(file)) return file;
  const building = `${file}.building`;
  removeDatabase(building);
  log(`  [atomflow] seeding a history of ${runs} runs into ${file} (once; reused by later benches)`);
  await seed(building, runs, log);
  if (existsSync(`${building}-wal`)) throw new Error(`W4-history: ${building}-wal is left after closing`);
  renameSync(building, file);
  return file;
}

/** Deletes a cached history, so that the next {@link ensureHistory} seeds it again. */
export function dropHistory(runs: number): void {
  removeDatabase(historyFile(runs));
}
