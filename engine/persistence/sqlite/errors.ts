/**
 * Turns SQLite and file-system errors into {@link StorageFailure}s whose
 * message names the database file and says in plain words what is wrong; the
 * original error stays as `cause`.
 */
import { AtomflowError, StorageFailure } from '../../errors.js';

/** The error code of an SQLite error (`SQLITE_BUSY`, …) or a Node system error (`ENOENT`, …). */
export function errorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** What a failed operation means for the file, e.g. `is locked by another process …`. */
export function explain(code: string | undefined, busyTimeoutMs: number): string {
  if (code === undefined) return 'could not be used';
  if (code === 'SQLITE_NOTADB') return 'is not an SQLite database (or it is corrupt or encrypted)';
  if (code.startsWith('SQLITE_CORRUPT')) return 'is corrupt (the database disk image is malformed)';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return `is locked by another process or connection (still locked after waiting ${busyTimeoutMs} ms)`;
  }
  if (code.startsWith('SQLITE_READONLY')) return 'cannot be written (the file or its folder is read-only)';
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return 'cannot be opened or created (its folder is missing or read-only, or access is denied)';
  }
  if (code === 'SQLITE_FULL') return 'cannot grow: the disk is full';
  if (code.startsWith('SQLITE_IOERR')) return 'could not be read or written (an I/O error occurred)';
  if (code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_AUTH'))
    return 'cannot be used: access is denied';
  if (code === 'SQLITE_NOMEM') return 'could not be used: out of memory';
  if (code.startsWith('SQLITE_CONSTRAINT')) return 'refused the write: a constraint was violated';
  if (code === 'ENOENT') return 'cannot be created or found: its folder does not exist';
  if (code === 'ENOTDIR') return 'cannot be created or found: a part of its folder path is not a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be used: access is denied';
  if (code === 'EISDIR') return 'is a folder, not a database file';
  return 'could not be used';
}

/**
 * A {@link StorageFailure} for an operation on `file` that failed with `e`:
 * `Cannot <doing>: the SQLite database '<file>' <what is wrong> [<code>: <message>]`.
 * Atomflow's own errors (`NotFound`, a `StorageFailure` already made) pass through.
 */
export function storageFailure(file: string, doing: string, e: unknown, busyTimeoutMs: number): Error {
  if (e instanceof AtomflowError) return e;
  const code = errorCode(e);
  const prefix = code ?? (e instanceof Error ? e.name : '');
  // Node's system errors already start with their code.
  const message = e instanceof Error ? e.message : String(e);
  const detail = message.startsWith(prefix) ? message : `${prefix}: ${message}`;
  return new StorageFailure(
    `Cannot ${doing}: the SQLite database '${file}' ${explain(code, busyTimeoutMs)} [${detail}]`,
    { cause: e },
  );
}
