/**
 * Scratch SQLite files of the W4 workloads: where they go and how they are
 * removed. A database in WAL mode is three files; a "fresh, empty" store
 * means none of them is left from before (as the peer's `wipe()`).
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The files SQLite keeps beside a database in WAL mode (and the rollback journal, should one exist). */
const COMPANIONS = ['', '-wal', '-shm', '-journal'];

/** A path in the OS temporary folder, unique to this process, e.g. `/tmp/atomflow-bench-w4-1234.db`. */
export function scratchFile(stem: string): string {
  return join(tmpdir(), `atomflow-bench-${stem}-${process.pid}.db`);
}

/** Deletes a database file and its companions; missing ones are fine. */
export function removeDatabase(file: string): void {
  for (const suffix of COMPANIONS) rmSync(file + suffix, { force: true });
}
