/**
 * The document store: flow documents a person saved, kept by name in the
 * app's SQLite file — the same file the run service keeps its runs in, so a
 * user has one file to back up or move.
 *
 * The table is the app's own (`app_documents`), next to the engine's tables
 * but never touched by the engine, and the engine's tables are never touched
 * here. Before the table is created, the file is opened once through the
 * engine's own backend, so the engine's checks (an SQLite file, not written by
 * a newer Atomflow) and migrations always come first, whichever of the two
 * services opens the file first. The engine refuses a file only when it has
 * tables named like the engine's own without a `schema_version`, so a table
 * of another name never stops it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { SqliteBackend } from '../../engine/index.js';
import { validateDocument, type FlowDocument, type Problem } from '../document/index.js';
import { defaultDatabasePath, resolveDatabasePath } from '../runs/db-path.js';
import { DocumentNotFoundError, DocumentStoreError, DocumentValidationError } from './errors.js';

/** The longest document name the store keeps (the host contract's limit on a name). */
export const MAX_DOCUMENT_NAME = 512;

/** The table of saved documents (`IF NOT EXISTS`: opening an older file adds it, a current one is left alone). */
const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS app_documents (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )
`;

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Options of {@link DocumentStore}. */
export interface DocumentStoreOptions {
  /**
   * The app's SQLite file: pass the run service's `path` so both share it.
   * Default, as for the run service: `ATOMFLOW_DB`, else the user's app-data
   * folder (whose folder is created if needed). `:memory:` is a private
   * in-memory database of this store alone.
   */
  readonly db?: string;
  /** How long to wait for another connection holding the write lock; default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

/** One saved document in a listing. */
export interface DocumentSummary {
  readonly name: string;
  /** ISO-8601 time it was last saved. */
  readonly updatedAt: string;
  /** Size of its JSON text in UTF-8 bytes. */
  readonly bytes: number;
}

/** What {@link DocumentStore.save} returns. */
export interface SavedDocument {
  readonly name: string;
  readonly updatedAt: string;
}

/** A saved document with its own data, as {@link DocumentStore.get} returns it. */
export interface StoredDocument extends DocumentSummary {
  /** The document exactly as it was saved (as JSON: `undefined` fields are gone). */
  readonly document: FlowDocument;
}

interface Statements {
  readonly list: BetterSqlite3.Statement<[], { name: string; updated_at: string; bytes: number }>;
  readonly get: BetterSqlite3.Statement<[string], { body: string; updated_at: string; bytes: number }>;
  readonly upsert: BetterSqlite3.Statement<[string, string, string]>;
  readonly remove: BetterSqlite3.Statement<[string]>;
}

interface Open {
  readonly db: BetterSqlite3.Database;
  readonly sql: Statements;
}

/**
 * Saved flow documents, by name, in the app's SQLite file.
 *
 * The file is opened on first use, and reading from a file that does not
 * exist yet (listing, getting, deleting) does not create it. Every write is
 * one transaction; a document that does not validate is refused with its
 * problems before anything is opened or written.
 *
 * @example
 * const runs = new RunService({ db });
 * const documents = new DocumentStore({ db: runs.path });
 * documents.save(document); // → { name, updatedAt }
 * documents.list(); // → [{ name, updatedAt, bytes }]
 */
export class DocumentStore {
  /** The path of the SQLite file. */
  readonly path: string;
  private readonly usesDefaultPath: boolean;
  private readonly busyTimeoutMs: number;
  private opened: Open | undefined;
  private closed = false;

  constructor(options: DocumentStoreOptions = {}) {
    this.path = resolveDatabasePath({ db: options.db });
    this.usesDefaultPath = this.path === defaultDatabasePath();
    const busy = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    if (!Number.isInteger(busy) || busy < 0) {
      throw new RangeError(`busyTimeoutMs must be an integer of at least 0, got ${String(busy)}`);
    }
    this.busyTimeoutMs = busy;
  }

  /** Every saved document, by name. */
  list(): DocumentSummary[] {
    if (!this.exists()) return [];
    const { sql } = this.open();
    return this.guard('list the saved documents', () =>
      sql.list.all().map((r) => ({ name: r.name, updatedAt: r.updated_at, bytes: r.bytes })),
    );
  }

  /**
   * The document saved under `name`.
   * @throws {DocumentNotFoundError} naming it when there is none.
   */
  get(name: string): StoredDocument {
    if (!this.exists()) throw new DocumentNotFoundError(name);
    const { sql } = this.open();
    const row = this.guard(`read the document '${name}'`, () => sql.get.get(name));
    if (row === undefined) throw new DocumentNotFoundError(name);
    let document: unknown;
    try {
      document = JSON.parse(row.body);
    } catch (e) {
      // Only something other than this store could have written it so.
      throw new DocumentStoreError(`The saved document '${name}' in '${this.path}' is not valid JSON`, {
        cause: e,
      });
    }
    return { name, updatedAt: row.updated_at, bytes: row.bytes, document: document as FlowDocument };
  }

  /**
   * Validates `document` and saves it under its own `name`, replacing a
   * document of that name, in one transaction.
   * @throws {DocumentValidationError} with every problem; nothing is written.
   */
  save(document: unknown): SavedDocument {
    const problems: Problem[] = validateDocument(document);
    if (problems.length > 0) throw new DocumentValidationError(problems);
    const doc = document as FlowDocument;
    if (doc.name.length > MAX_DOCUMENT_NAME) {
      throw new DocumentValidationError([
        { path: 'name', message: `a saved document's name must be at most ${MAX_DOCUMENT_NAME} characters` },
      ]);
    }
    let body: string;
    try {
      body = JSON.stringify(document);
    } catch (e) {
      // A valid document is JSON data; this is only reached by values JSON cannot hold in fields it ignores.
      throw new DocumentValidationError([
        { path: '', message: `cannot be written as JSON: ${e instanceof Error ? e.message : String(e)}` },
      ]);
    }
    const { db, sql } = this.open();
    const updatedAt = new Date().toISOString();
    this.guard(`save the document '${doc.name}'`, () => {
      db.transaction(() => sql.upsert.run(doc.name, body, updatedAt)).immediate();
    });
    return { name: doc.name, updatedAt };
  }

  /**
   * Deletes the document saved under `name`, in one transaction.
   * @throws {DocumentNotFoundError} naming it when there is none.
   */
  delete(name: string): void {
    if (!this.exists()) throw new DocumentNotFoundError(name);
    const { db, sql } = this.open();
    const changes = this.guard(`delete the document '${name}'`, () =>
      db.transaction(() => sql.remove.run(name).changes).immediate(),
    );
    if (changes === 0) throw new DocumentNotFoundError(name);
  }

  /** Closes the file. Using the store afterwards throws a {@link DocumentStoreError}; closing twice does nothing. */
  close(): void {
    this.closed = true;
    const db = this.opened?.db;
    this.opened = undefined;
    db?.close();
  }

  // ------------------------------------------------------------- internals

  /** Whether there is a file to read: reading a missing one must not create it. */
  private exists(): boolean {
    if (this.closed) throw new DocumentStoreError('The document store is closed');
    return this.opened !== undefined || this.path === ':memory:' || existsSync(this.path);
  }

  /** The open file, opened on first use: the engine's schema first, then the table of this store. */
  private open(): Open {
    if (this.closed) throw new DocumentStoreError('The document store is closed');
    if (this.opened) return this.opened;
    if (this.path !== ':memory:') {
      try {
        // The app-data folder may not exist yet; an explicit path's folder is the user's to make.
        if (this.usesDefaultPath) mkdirSync(dirname(this.path), { recursive: true });
        // The engine's checks refuse what is not ours to change (without changing it) and its
        // migrations bring the file up to date, so the engine's schema always precedes our table.
        new SqliteBackend(this.path, { busyTimeoutMs: this.busyTimeoutMs }).close();
      } catch (e) {
        throw new DocumentStoreError(e instanceof Error ? e.message : String(e), { cause: e });
      }
    }
    let db: BetterSqlite3.Database | undefined;
    try {
      db = new Database(this.path, { timeout: this.busyTimeoutMs });
      // WAL is the file's mode already (the engine set it); a connection only chooses how it syncs.
      db.pragma('synchronous = FULL');
      db.exec(CREATE_TABLE);
      const sql: Statements = {
        list: db.prepare(
          'SELECT name, updated_at, length(CAST(body AS BLOB)) AS bytes FROM app_documents ORDER BY name',
        ),
        get: db.prepare(
          'SELECT body, updated_at, length(CAST(body AS BLOB)) AS bytes FROM app_documents WHERE name = ?',
        ),
        upsert: db.prepare(
          'INSERT INTO app_documents (name, body, updated_at) VALUES (?, ?, ?) ' +
            'ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
        ),
        remove: db.prepare('DELETE FROM app_documents WHERE name = ?'),
      };
      this.opened = { db, sql };
      return this.opened;
    } catch (e) {
      try {
        db?.close();
      } catch {
        // Already failing; the first error is the one to report.
      }
      throw this.failure('open the document store', e);
    }
  }

  /** Runs `fn`, turning an SQLite error into a {@link DocumentStoreError} naming the file. */
  private guard<T>(doing: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw this.failure(doing, e);
    }
  }

  private failure(doing: string, e: unknown): DocumentStoreError {
    if (e instanceof DocumentStoreError) return e;
    const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
    const why = e instanceof Error ? e.message : String(e);
    const busy =
      typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
        ? ` (locked by another process or connection after waiting ${this.busyTimeoutMs} ms)`
        : '';
    return new DocumentStoreError(
      `Cannot ${doing} in '${this.path}'${busy}: ${typeof code === 'string' ? `${code}: ` : ''}${why}`,
      { cause: e },
    );
  }
}
