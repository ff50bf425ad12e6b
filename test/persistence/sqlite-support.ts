/**
 * Helpers of the SQLite backend tests: a temporary folder per test file
 * (removed afterwards) and a few file probes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh folder under the OS temporary folder, removed after the file's tests. */
export function tempFolder(prefix = 'atomflow-sqlite-'): { dir: string; file(name?: string): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  let n = 0;
  return { dir, file: (name) => join(dir, name ?? `runs-${++n}.db`) };
}

/** Bytes hash and mtime of a file, to show it was not changed. */
export function fingerprint(file: string): { sha: string; mtimeMs: number; size: number } {
  const st = statSync(file);
  return {
    sha: createHash('sha256').update(readFileSync(file)).digest('hex'),
    mtimeMs: st.mtimeMs,
    size: st.size,
  };
}

/** Whether SQLite's side files of `file` exist. */
export function sideFiles(file: string): string[] {
  return ['-wal', '-shm', '-journal'].filter((s) => existsSync(file + s));
}
