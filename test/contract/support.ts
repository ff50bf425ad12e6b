/**
 * A contract host on real services for tests: a run service and a document
 * store on a new SQLite file, one session whose messages are collected, and
 * helpers to send requests and read what the file holds.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import {
  ContractHost,
  type ContractError,
  type ContractHostOptions,
  type ContractSession,
  type EventsMessage,
  type Response,
} from '../../app/contract/index.js';
import { DocumentStore } from '../../app/documents/index.js';
import { RunService, type RunEvent } from '../../app/runs/index.js';
import { tempDb } from '../app/runs-support.js';

export type Message = Response | EventsMessage;

/** One session's view: what it was sent, and ways to ask. */
export interface Client {
  readonly session: ContractSession;
  readonly messages: Message[];
  /** Sends a raw request; resolves with the one response it got. */
  raw(raw: unknown): Promise<Response>;
  /** Sends `{ id, method, params }` (a fresh id); resolves with its response. */
  request(method: string, params?: unknown): Promise<Response>;
  /** As {@link request}, failing unless the response is ok; resolves with its result. */
  ok(method: string, params?: unknown): Promise<unknown>;
  /** As {@link request}, failing unless the response is an error; resolves with the error. */
  error(method: string, params?: unknown): Promise<ContractError>;
  /** Every run event this session got for `runId`, in order. */
  events(runId: string): RunEvent[];
  /** Resolves once the session got the `end` event of `runId`. */
  ended(runId: string, timeoutMs?: number): Promise<RunEvent[]>;
}

export interface Harness {
  readonly db: string;
  readonly runs: RunService;
  readonly documents: DocumentStore;
  readonly host: ContractHost;
  readonly logged: { message: string; error: unknown }[];
  /** A new session. */
  client(): Client;
  close(): Promise<void>;
}

let nextId = 1;

function clientOf(host: ContractHost): Client {
  const messages: Message[] = [];
  const session = host.connect((m) => {
    // As a WebSocket would: what is sent must survive JSON.
    messages.push(JSON.parse(JSON.stringify(m)) as Message);
  });
  const responses = (): Response[] => messages.filter((m): m is Response => !('type' in m));
  const raw = async (value: unknown): Promise<Response> => {
    const before = responses().length;
    await session.handle(value);
    const got = responses().slice(before);
    if (got.length !== 1) throw new Error(`expected one response, got ${String(got.length)}`);
    return got[0] as Response;
  };
  const request = (method: string, params?: unknown): Promise<Response> =>
    raw(JSON.stringify({ id: nextId++, method, ...(params !== undefined ? { params } : {}) }));
  const events = (runId: string): RunEvent[] =>
    messages.flatMap((m) => ('type' in m && m.runId === runId ? (m.events as RunEvent[]) : []));
  return {
    session,
    messages,
    raw,
    request,
    async ok(method, params) {
      const r = await request(method, params);
      if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
      return r.result;
    },
    async error(method, params) {
      const r = await request(method, params);
      if (r.ok) throw new Error(`${method} succeeded: ${JSON.stringify(r.result)}`);
      return r.error;
    },
    events,
    async ended(runId, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (!events(runId).some((e) => e.type === 'end')) {
        if (Date.now() > until) throw new Error(`no end event of ${runId} within ${String(timeoutMs)} ms`);
        await new Promise((r) => setTimeout(r, 5));
      }
      return events(runId);
    },
  };
}

/** A host on a new SQLite file. */
export function harness(options: Partial<Omit<ContractHostOptions, 'runs' | 'documents'>> = {}): Harness {
  const db = tempDb();
  const runs = new RunService({ db });
  const documents = new DocumentStore({ db: runs.path });
  const logged: { message: string; error: unknown }[] = [];
  const host = new ContractHost({
    runs,
    documents,
    log: (message, error) => logged.push({ message, error }),
    ...options,
  });
  return {
    db,
    runs,
    documents,
    host,
    logged,
    client: () => clientOf(host),
    async close() {
      await host.close();
      await runs.close();
      documents.close();
    },
  };
}

/** How many runs and saved documents the file holds (0 when the file or table is not there yet). */
export function storeCounts(db: string): { runs: number; documents: number } {
  if (!existsSync(db)) return { runs: 0, documents: 0 };
  const conn = new Database(db, { readonly: true });
  try {
    const tables = new Set(
      conn.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all(),
    );
    const count = (table: string): number =>
      tables.has(table) ? (conn.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get() ?? 0) : 0;
    return { runs: count('flowdetails'), documents: count('app_documents') };
  } finally {
    conn.close();
  }
}

/** The bytes of the file and its WAL, hashed. */
export function fileHash(db: string): string {
  const h = createHash('sha256');
  for (const f of [db, `${db}-wal`]) if (existsSync(f)) h.update(readFileSync(f));
  return h.digest('hex');
}
