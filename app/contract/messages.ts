/**
 * The host contract: what every front end (the Electron renderer through its
 * preload, a browser through the web host) may ask of the host, and what it
 * gets back. One request is `{ id, method, params }`; its answer is
 * `{ id, ok: true, result }` or `{ id, ok: false, error }`; run events arrive
 * as `{ type: 'events', runId, events }` batches on the same channel.
 *
 * Everything a front end sends is untrusted: hosts validate it with these
 * schemas before anything reaches the run service, and answer a bad request
 * with an error that says which field is wrong.
 */
import { z } from 'zod';
import { retentionSettingsSchema } from '../runs/retention-settings.js';

/** Requests larger than this (serialised) are refused unread. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

const name = z.string().min(1).max(512);
const runId = z.string().min(1).max(128);
const url = z.string().min(1).max(2048);

const engineOptions = z.strictObject({
  maxWorkers: z.number().int().min(1).max(1024).optional(),
  url: url.optional(),
  exchange: name.optional(),
  topics: z.array(name).min(1).max(64).optional(),
  timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
});

/** Every method, with the schema of its params. */
export const methods = {
  'documents.list': z.strictObject({}),
  'documents.get': z.strictObject({ name }),
  /** Saves a valid document under its own name; an invalid one is refused with its problems. */
  'documents.save': z.strictObject({ document: z.unknown() }),
  'documents.delete': z.strictObject({ name }),
  'documents.validate': z.strictObject({ document: z.unknown() }),
  'runs.start': z.strictObject({
    document: z.unknown(),
    engine: z.enum(['serial', 'parallel', 'worker-based']).optional(),
    engineOptions: engineOptions.optional(),
    inputs: z.record(z.string(), z.unknown()).optional(),
  }),
  'runs.cancel': z.strictObject({ runId }),
  'runs.suspend': z.strictObject({ runId }),
  'runs.resume': z.strictObject({ runId, url: url.optional() }),
  'runs.list': z.strictObject({
    state: z.string().max(32).optional(),
    flow: name.optional(),
    engine: name.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    cursor: z.string().max(1024).optional(),
  }),
  'runs.detail': z.strictObject({ runId }),
  'runs.delete': z.strictObject({ runId }),
  /**
   * Applies the history retention settings now: deletes the ended runs they no longer keep and gives
   * the space back; answers how many runs went and how many bytes the store shrank by.
   */
  'runs.prune': z.strictObject({}),
  /** Starts the run's event stream on this channel (recorded events first unless `replay: false`). */
  'runs.subscribe': z.strictObject({ runId, replay: z.boolean().optional() }),
  'runs.unsubscribe': z.strictObject({ runId }),
  'catalog.kinds': z.strictObject({}),
  /** The history retention settings kept in the run store (shared by every front end). */
  'settings.retention.get': z.strictObject({}),
  /**
   * Replaces them: `keepLast` ended runs per flow, `maxAgeDays` days; an absent limit is not set
   * (`{}` keeps every run). They apply from the next start-up or run end; `runs.prune` applies them now.
   */
  'settings.retention.set': retentionSettingsSchema,
  'workers.list': z.strictObject({
    url: url.optional(),
    exchange: name.optional(),
    topics: z.array(name).min(1).max(64).optional(),
    waitMs: z.number().int().min(0).max(10_000).optional(),
  }),
} as const;

export type Method = keyof typeof methods;
export type Params<M extends Method> = z.infer<(typeof methods)[M]>;

/** A request as it arrives (its params are checked against {@link methods} afterwards). */
export const requestEnvelope = z.strictObject({
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(64),
  params: z.unknown().optional(),
});
export type RequestEnvelope = z.infer<typeof requestEnvelope>;

/** Why a request failed: `code` for programs, `message` for people, `problems` for documents. */
export interface ContractError {
  readonly code:
    | 'bad-request'
    | 'too-large'
    | 'unknown-method'
    | 'invalid-document'
    | 'not-found'
    | 'conflict'
    | 'unavailable'
    | 'internal';
  readonly message: string;
  /** For `bad-request` and `invalid-document`: each problem with its node (if any) and field. */
  readonly problems?: readonly { readonly node?: string; readonly path: string; readonly message: string }[];
}

export type Response =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number | null; readonly ok: false; readonly error: ContractError };

/** A batch of one run's events, in order (see `EventBatcher`). */
export interface EventsMessage {
  readonly type: 'events';
  readonly runId: string;
  readonly events: readonly unknown[];
}
