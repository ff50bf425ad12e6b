/**
 * The messages between engines and workers over AMQP. Every body is JSON in
 * the tagged encoding of the SQLite store (so `undefined`, `Map`, `Failure`…
 * arrive as they left) and carries the protocol version. Whatever arrives
 * from the broker is untrusted: it is parsed and validated here, and a
 * message that fails is reported to the caller as a reason, never thrown.
 */
import { z } from 'zod';
import { Failure, type FailureDict } from '../failure.js';
import { decodeValue, encodeValue } from '../persistence/sqlite/codec.js';

/** Bumped when a message changes shape; a message of another version is dropped. */
export const PROTOCOL_VERSION = 1;

/** Routing keys on the exchange. */
export const keys = {
  /** Every worker of a topic hears it (notify). */
  topic: (topic: string) => `topic.${topic}`,
  /** One worker (requests). */
  worker: (id: string) => `worker.${id}`,
  /** Every engine listening to a topic hears it (announcements and heartbeats). */
  announce: (topic: string) => `announce.${topic}`,
  /** One engine (responses). */
  client: (id: string) => `client.${id}`,
};

/** Bodies larger than this are dropped unread (a runaway or hostile publisher). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const failureDict = z.custom<FailureDict>(
  (v) => {
    try {
      Failure.validate(v);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'not a failure dict' },
);

const id = z.string().min(1).max(512);
const name = z.string().min(1).max(1024);

/** What a worker tells engines about itself, on request and as a heartbeat. */
export const workerInfo = z.strictObject({
  id,
  topic: name,
  kinds: z.array(name).max(10_000),
  concurrency: z.number().int().min(1).max(100_000),
  /** How often it announces itself; engines forget it after missing a few. */
  heartbeatMs: z.number().int().min(1).max(3_600_000),
  host: z.string().max(1024),
  pid: z.number().int().nonnegative(),
  startedAt: z.number(),
});
export type WorkerInfo = z.infer<typeof workerInfo>;

/** Engine → workers of a topic: "announce yourselves to `replyTo`". */
const notify = z.strictObject({ v: z.literal(PROTOCOL_VERSION), type: z.literal('notify'), replyTo: id });

/** Worker → engines: its description; `state: 'down'` when it is shutting down. */
const announce = z.strictObject({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal('announce'),
  state: z.enum(['up', 'down']),
  worker: workerInfo,
});

/** Engine → one worker: run an atom's execute or revert. */
const request = z
  .strictObject({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('request'),
    /** Correlation id: unique per attempt, echoed in every response. */
    id,
    replyTo: id,
    /** The worker endpoint that rebuilds the task, and what it is rebuilt from. */
    kind: name,
    args: z.array(z.unknown()).max(10_000),
    /** The atom. */
    name,
    uuid: id,
    action: z.enum(['execute', 'revert']),
    /** The task's execute attempt in its run (see TaskContext.attempt). */
    attempt: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(1),
    arguments: z.record(z.string(), z.unknown()),
    /** Revert: the execute result, or its failure. */
    result: z.unknown().optional(),
    resultFailure: failureDict.optional(),
    failures: z.record(z.string(), failureDict).optional(),
    /** The task's own time limit on the worker. */
    timeoutMs: z.number().int().positive().optional(),
  })
  .refine((r) => r.action === 'revert' || (r.resultFailure === undefined && r.failures === undefined), {
    error: 'an execute request carries no result or failures',
  });

const response = z.discriminatedUnion('state', [
  /** The worker has it and starts it when one of its slots frees up. */
  z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('response'),
    id,
    worker: id,
    state: z.literal('queued'),
  }),
  z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('response'),
    id,
    worker: id,
    state: z.literal('running'),
  }),
  z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('response'),
    id,
    worker: id,
    state: z.literal('progress'),
    progress: z.number().min(0).max(1),
    details: z.record(z.string(), z.unknown()),
  }),
  z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('response'),
    id,
    worker: id,
    state: z.literal('log'),
    stream: z.enum(['stdout', 'stderr']),
    text: z.string(),
  }),
  z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('response'),
    id,
    worker: id,
    state: z.literal('success'),
    result: z.unknown().optional(),
  }),
  z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('response'),
    id,
    worker: id,
    state: z.literal('failure'),
    failure: failureDict,
  }),
  /** The worker gives the request back unstarted (it is shutting down): send it elsewhere. */
  z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('response'),
    id,
    worker: id,
    state: z.literal('returned'),
    reason: z.string().max(4096),
  }),
]);

export const message = z.discriminatedUnion('type', [notify, announce, request, response]);
export type Message = z.infer<typeof message>;
export type Notify = z.infer<typeof notify>;
export type Announce = z.infer<typeof announce>;
export type Request = z.infer<typeof request>;
export type Response = z.infer<typeof response>;

/** A message to send, without the version (added by {@link encodeMessage}). */
export type Outgoing<M extends Message = Message> = M extends Message ? Omit<M, 'v'> : never;

/** The body of a message. Throws `Unstorable` for a value JSON cannot carry (a function, a BigInt…). */
export function encodeMessage(m: Outgoing): Buffer {
  return Buffer.from(encodeValue({ ...m, v: PROTOCOL_VERSION }), 'utf8');
}

/** Parsing a body: the message, or why it was refused. */
export type Parsed = { ok: true; message: Message } | { ok: false; reason: string };

function summary(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid';
  const where = first.path.length > 0 ? first.path.join('.') : 'message';
  return `${where}: ${first.message}`;
}

/** Decodes and validates a body received from the broker. Never throws. */
export function parseMessage(body: Buffer): Parsed {
  if (body.length > MAX_MESSAGE_BYTES) return { ok: false, reason: `too large (${body.length} bytes)` };
  let raw: unknown;
  try {
    raw = decodeValue(body.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, reason: 'not an object' };
  const v = (raw as { v?: unknown }).v;
  if (v !== PROTOCOL_VERSION) {
    return {
      ok: false,
      reason: `protocol version ${JSON.stringify(v) ?? 'missing'} (this side speaks ${PROTOCOL_VERSION})`,
    };
  }
  const parsed = message.safeParse(raw);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, reason: summary(parsed.error) };
}
