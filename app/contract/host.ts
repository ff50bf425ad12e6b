/**
 * The host side of the contract: one {@link ContractHost} per process, one
 * {@link ContractSession} per connected front end (an Electron window, a
 * WebSocket). A session takes raw requests exactly as they arrive, checks
 * them at the boundary (size, JSON, envelope, method, params), calls the run
 * service, the document store, the catalog or the broker, and sends back one
 * {@link Response} per request plus the `events` batches of the runs it
 * follows. Nothing a front end sends reaches a service before it passed
 * every check, and no problem ever escapes as an exception: each becomes an
 * error response with a code, a message and, for bad fields, the fields.
 */
import { z } from 'zod';
import { BrokerUnavailable, ValueError, states } from '../../engine/index.js';
import { catalog, CODE_KINDS } from '../catalog/index.js';
import { validateDocument } from '../document/index.js';
import { formatPath, type PathKey } from '../document/problems.js';
import { schemaIds } from '../document/schema.js';
import {
  DocumentNotFoundError,
  DocumentStoreError,
  DocumentValidationError,
  type DocumentStore,
} from '../documents/index.js';
import {
  EngineUnavailableError,
  InvalidDocumentError,
  InvalidSettingsError,
  RunNotFoundError,
  RunStateError,
  RunStoreError,
  type RunEvent,
  type RunService,
  type RunState,
} from '../runs/index.js';
import { jsonSafe } from '../runs/events.js';
import { listWorkers } from '../workers/index.js';
import { EventBatcher } from './batcher.js';
import {
  MAX_REQUEST_BYTES,
  methods,
  requestEnvelope,
  type ContractError,
  type EventsMessage,
  type Method,
  type Params,
  type Response,
} from './messages.js';
import type { KindDescription, Results } from './results.js';

/** How long `workers.list` waits for workers to answer when the request does not say. */
export const DEFAULT_WORKERS_WAIT_MS = 500;
/** How long `workers.list` tries to reach the broker before answering `unavailable`. */
export const DEFAULT_BROKER_CONNECT_TIMEOUT_MS = 3000;

/** Where `workers.list` looks when the request does not say. */
export interface WorkersDefaults {
  /** The broker; default `$ATOMFLOW_AMQP_URL`, else `amqp://127.0.0.1`. */
  readonly url?: string;
  /** Default `atomflow`. */
  readonly exchange?: string;
  /** Default `['default']`. */
  readonly topics?: readonly string[];
  /** How long to try to reach the broker; default {@link DEFAULT_BROKER_CONNECT_TIMEOUT_MS}. */
  readonly connectTimeoutMs?: number;
}

/** Options of {@link ContractHost}. */
export interface ContractHostOptions {
  /** The run service the requests go to. The host does not close it: its owner does. */
  readonly runs: RunService;
  /** The document store the requests go to. The host does not close it: its owner does. */
  readonly documents: DocumentStore;
  /** Defaults for `workers.list`. */
  readonly workers?: WorkersDefaults;
  /**
   * Where unexpected errors go (an `internal` response tells the front end
   * only that one happened); default: `console.error`.
   */
  readonly log?: (message: string, error?: unknown) => void;
}

/** One connected front end. */
export interface ContractSession {
  /**
   * Handles one raw request: a string (JSON text, as a WebSocket or IPC
   * delivers it), bytes (UTF-8 JSON text, e.g. a `ws` Buffer) or an
   * already-parsed value. Never throws and never rejects: every problem
   * becomes an error Response sent through `send`. The promise settles once
   * the response was sent.
   */
  handle(raw: unknown): Promise<void>;
  /** Unsubscribes everything this session subscribed to; nothing is sent afterwards. Closing twice does nothing. */
  close(): void;
}

/** A request refused at the boundary or by a check of the host: the response to send. */
class RequestError extends Error {
  constructor(readonly error: ContractError) {
    super(error.message);
  }
}

type Problems = NonNullable<ContractError['problems']>;

/**
 * The most problems one error answer lists (its message still counts them
 * all). A request of thousands of unknown fields, or a document of millions of
 * wrong nodes, is answered in kilobytes, not in many times its own size (which
 * the web host would cut the client off for, unanswered).
 */
export const MAX_PROBLEMS = 100;

/** How much of a document error's message (which lists every problem) an answer keeps, when it lists fewer. */
const MAX_DOCUMENT_MESSAGE = 2000;

function badRequest(problems: Problems, what = 'Invalid request'): RequestError {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  const where = first && first.path !== '' ? `${first.path}: ` : '';
  return new RequestError({
    code: 'bad-request',
    message: first ? `${what}: ${where}${first.message}${more}` : what,
    problems: problems.length > MAX_PROBLEMS ? problems.slice(0, MAX_PROBLEMS) : problems,
  });
}

/** The answer to an invalid document: its first {@link MAX_PROBLEMS} problems. */
function documentError(e: InvalidDocumentError | DocumentValidationError): ContractError {
  const problems = e.problems.slice(0, MAX_PROBLEMS).map(plainProblem);
  if (problems.length === e.problems.length) {
    return { code: 'invalid-document', message: e.message, problems };
  }
  const message =
    `${e.message.slice(0, MAX_DOCUMENT_MESSAGE)}… (${String(e.problems.length)} problems in all; ` +
    `the first ${String(MAX_PROBLEMS)} are listed)`;
  return { code: 'invalid-document', message, problems };
}

/** The problems of a zod error, each naming its field from the request's root (`params.runId`). */
function zodProblems(error: z.ZodError, prefix: readonly PathKey[]): Problems {
  const out: { path: string; message: string }[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k))];
    if (issue.code === 'unrecognized_keys') {
      // One problem per unknown field, so each is named by its own path.
      for (const key of issue.keys) out.push({ path: formatPath([...path, key]), message: 'unknown field' });
    } else if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      out.push({ path: formatPath(path), message: 'missing (this field is required)' });
    } else {
      out.push({ path: formatPath(path), message: issue.message });
    }
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON value of a raw request, or the error response for it (too large, not JSON). */
function decode(raw: unknown): unknown {
  const tooLarge = (bytes: number | undefined): RequestError =>
    new RequestError({
      code: 'too-large',
      message:
        `The request is ${bytes !== undefined ? `${String(bytes)} bytes` : 'too large'}; ` +
        `the most a request may be is ${String(MAX_REQUEST_BYTES)} bytes`,
    });
  let text: string;
  if (typeof raw === 'string') {
    // A UTF-16 unit is at least one UTF-8 byte: a string this long is too large without counting.
    if (raw.length > MAX_REQUEST_BYTES) throw tooLarge(undefined);
    const bytes = Buffer.byteLength(raw, 'utf8');
    if (bytes > MAX_REQUEST_BYTES) throw tooLarge(bytes);
    text = raw;
  } else if (raw instanceof Uint8Array || raw instanceof ArrayBuffer) {
    if (raw.byteLength > MAX_REQUEST_BYTES) throw tooLarge(raw.byteLength);
    try {
      text = utf8.decode(raw);
    } catch {
      throw badRequest([{ path: '', message: 'the request is not UTF-8 text' }], 'Invalid request');
    }
  } else {
    // An already-parsed value (structured-cloned by IPC, say) is measured as the JSON text it would be.
    // Serialising it once also makes it plain JSON data: no prototypes, getters or class instances
    // survive into what the services see, and an own `__proto__` key stays a key.
    let serialised: string | undefined;
    try {
      serialised = JSON.stringify(raw);
    } catch (e) {
      // Cycles, BigInts, strings longer than the engine allows, a throwing toJSON…
      throw badRequest(
        [{ path: '', message: `not JSON data (${e instanceof Error ? e.message : String(e)})` }],
        'Invalid request',
      );
    }
    if (serialised === undefined) {
      throw badRequest([{ path: '', message: 'not JSON data' }], 'Invalid request');
    }
    const bytes = Buffer.byteLength(serialised, 'utf8');
    if (bytes > MAX_REQUEST_BYTES) throw tooLarge(bytes);
    text = serialised;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    // The parser quotes the text; a long quote says no more than a short one.
    const why = (e instanceof Error ? e.message : String(e)).slice(0, 200);
    throw badRequest([{ path: '', message: `not valid JSON: ${why}` }], 'Invalid request');
  }
}

/**
 * How deeply a request's JSON may nest. Validation (zod, the document checks)
 * and serialisation recurse, so a 4 MiB request of brackets would overflow the
 * stack; real documents nest a few dozen levels.
 */
export const MAX_REQUEST_DEPTH = 512;

/** Whether a parsed JSON value nests deeper than {@link MAX_REQUEST_DEPTH} (checked without recursion). */
function tooDeep(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, depth] = top;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_REQUEST_DEPTH) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** The id of a request that failed its envelope check, when it has a usable one. */
function idOf(value: unknown): number | null {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, 'id')) return null;
  const id = requestEnvelope.shape.id.safeParse((value as { id: unknown }).id);
  return id.success ? id.data : null;
}

/** A checked request: its method and params (the JSON-parsed params themselves, see {@link parseRequest}). */
interface CheckedRequest {
  readonly id: number;
  readonly method: Method;
  readonly params: unknown;
}

/**
 * Checks a raw request: size, JSON, envelope, method, params. A refused one
 * comes back as the error to answer with, and its id when it has a usable one.
 */
function parseRequest(raw: unknown): CheckedRequest | { id: number | null; error: RequestError } {
  let value: unknown;
  try {
    value = decode(raw);
  } catch (e) {
    if (!(e instanceof RequestError)) throw e;
    return { id: null, error: e };
  }
  if (tooDeep(value)) {
    return {
      id: idOf(value),
      error: badRequest([{ path: '', message: `nested deeper than ${String(MAX_REQUEST_DEPTH)} levels` }]),
    };
  }
  const envelope = requestEnvelope.safeParse(value);
  if (!envelope.success) {
    return { id: idOf(value), error: badRequest(zodProblems(envelope.error, [])) };
  }
  const { id, method } = envelope.data;
  // Own keys only: `__proto__`, `constructor` or `toString` are not methods.
  if (!Object.hasOwn(methods, method)) {
    return {
      id,
      error: new RequestError({
        code: 'unknown-method',
        message: `Unknown method '${method}' (known: ${Object.keys(methods).join(', ')})`,
      }),
    };
  }
  const m = method as Method;
  // Absent params are an empty object: methods whose params are all optional need none. (`null` is not absent.)
  const given = (value as { params?: unknown }).params;
  const params = given === undefined ? {} : given;
  const checked = methods[m].safeParse(params);
  if (!checked.success) {
    return { id, error: badRequest(zodProblems(checked.error, ['params']), `Invalid params of '${m}'`) };
  }
  // The JSON-parsed params are passed on, not zod's copy: they are plain JSON data already, and zod's
  // record copy would turn an `inputs` key `__proto__` into a prototype, hiding it from the run
  // service's check (which refuses such a name with a problem).
  return { id, method: m, params };
}

/** The error response of anything thrown while handling a request. */
function contractErrorOf(e: unknown, method: string | undefined, log: ContractHostLog): ContractError {
  if (e instanceof RequestError) return e.error;
  if (e instanceof InvalidDocumentError || e instanceof DocumentValidationError) return documentError(e);
  if (e instanceof InvalidSettingsError) {
    const problems = e.problems.map((p) => ({ path: `params.${p.path}`, message: p.message }));
    return badRequest(problems, `Invalid params of '${method ?? 'the request'}'`).error;
  }
  if (e instanceof RunNotFoundError || e instanceof DocumentNotFoundError) {
    return { code: 'not-found', message: e.message };
  }
  if (e instanceof RunStateError) return { code: 'conflict', message: e.message };
  // A store that cannot be opened or used names its file and says why: something a person can act on.
  if (
    e instanceof EngineUnavailableError ||
    e instanceof BrokerUnavailable ||
    e instanceof RunStoreError ||
    e instanceof DocumentStoreError
  ) {
    return { code: 'unavailable', message: e.message };
  }
  log(`internal error while handling '${method ?? 'a request'}'`, e);
  return {
    code: 'internal',
    message: `Internal error while handling '${method ?? 'the request'}'; the host's log has the details`,
  };
}

function plainProblem(p: { readonly node?: string; readonly path: string; readonly message: string }): {
  node?: string;
  path: string;
  message: string;
} {
  return { ...(p.node !== undefined ? { node: p.node } : {}), path: p.path, message: p.message };
}

type ContractHostLog = (message: string, error?: unknown) => void;

/** The run states `runs.list` may filter by. */
const RUN_STATES: ReadonlySet<string> = new Set<string>([...states.FLOW_STATES, 'CANCELLED', 'INTERRUPTED']);

let kindDescriptions: readonly KindDescription[] | undefined;

/** The catalog's kinds, described once (the catalog never changes while the process runs). */
function describeKinds(): readonly KindDescription[] {
  kindDescriptions ??= catalog.kinds().map((k) => ({
    kind: k.kind,
    description: k.description,
    // The same options as the document's JSON Schema, so both describe a config alike.
    configSchema: z.toJSONSchema(k.configSchema, {
      target: 'draft-2020-12',
      io: 'input',
      metadata: schemaIds,
      cycles: 'ref',
      reused: 'inline',
      unrepresentable: 'any',
    }),
    runsCode: CODE_KINDS.has(k.kind),
  }));
  return kindDescriptions;
}

/**
 * Serves the contract for every front end of this process.
 *
 * Each method's result is in `results.ts` ({@link Results}). `runs.start` and
 * `runs.resume` make the asking session follow the run (as `runs.subscribe`
 * would), so its events arrive as `events` batches right after the reply
 * with the run id; a run's stream ends with its `end` event, after which the
 * session no longer follows it (subscribing again replays it).
 *
 * @example
 * const runs = new RunService();
 * const host = new ContractHost({ runs, documents: new DocumentStore({ db: runs.path }) });
 * const session = host.connect((message) => socket.send(JSON.stringify(message)));
 * socket.on('message', (data) => void session.handle(data));
 * socket.on('close', () => session.close());
 */
export class ContractHost {
  private readonly runs: RunService;
  private readonly documents: DocumentStore;
  private readonly workers: WorkersDefaults;
  private readonly sessions = new Set<Session>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  /** What sessions may use of the host (kept off its public API). */
  private readonly context: HostContext;

  constructor(options: ContractHostOptions) {
    this.runs = options.runs;
    this.documents = options.documents;
    this.workers = options.workers ?? {};
    const log: ContractHostLog =
      options.log ??
      ((message, error) => {
        console.error(`atomflow: ${message}`, error);
      });
    this.context = {
      runs: this.runs,
      isClosed: () => this.closed,
      call: (session, method, params) => this.call(session, method, params),
      forget: (session) => {
        this.sessions.delete(session);
      },
      track: (p) => {
        this.inFlight.add(p);
        void p.finally(() => this.inFlight.delete(p));
      },
      errorOf: (e, method) => contractErrorOf(e, method, log),
      report: log,
    };
  }

  /** One connected front end (a window, a WebSocket). `send` gets every Response and EventsMessage for it. */
  connect(send: (message: Response | EventsMessage) => void): ContractSession {
    const session = new Session(this.context, send);
    if (this.closed) session.close();
    else this.sessions.add(session);
    return session;
  }

  /**
   * Closes every session (their subscriptions end, nothing more is sent to
   * them; a session connected later is closed at once) and waits for the
   * requests still being handled. The run service and the document store are
   * left open: they belong to the caller, who closes them after this.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of [...this.sessions]) s.close();
    await Promise.all([...this.inFlight]);
  }

  /**
   * Calls a checked request's method. Synchronous for every method but
   * `workers.list` and `runs.prune`, so a reply is sent before any event
   * that the call queued (a run's first events reach the front end after its id).
   */
  private call(session: Session, method: Method, params: unknown): unknown {
    const handler = this.handlers[method] as (params: unknown, session: Session) => unknown;
    return handler(params, session);
  }

  /** One handler per method, typed by its params and its result (see `results.ts`). */
  private readonly handlers: {
    readonly [M in Method]: (params: Params<M>, session: Session) => Results[M] | Promise<Results[M]>;
  } = {
    'documents.list': () => ({ documents: this.documents.list() }),
    'documents.get': (p) => this.documents.get(p.name),
    'documents.save': (p) => this.documents.save(p.document),
    'documents.delete': (p) => {
      this.documents.delete(p.name);
      return {};
    },
    'documents.validate': (p) => {
      const problems = validateDocument(p.document);
      return { valid: problems.length === 0, problems: problems.map(plainProblem) };
    },
    'runs.start': (p, session) =>
      session.start((listener) =>
        this.runs.start(
          p.document,
          {
            ...(p.engine !== undefined ? { engine: p.engine } : {}),
            ...(p.engineOptions !== undefined ? { engineOptions: p.engineOptions } : {}),
            ...(p.inputs !== undefined ? { inputs: p.inputs } : {}),
          },
          listener,
        ),
      ),
    'runs.resume': (p, session) =>
      session.start((listener) =>
        this.runs.resume(p.runId, p.url !== undefined ? { url: p.url } : {}, listener),
      ),
    'runs.cancel': (p) => {
      this.runs.cancel(p.runId);
      return {};
    },
    'runs.suspend': (p) => {
      this.runs.suspend(p.runId);
      return {};
    },
    'runs.list': (p) => this.listRuns(p),
    'runs.detail': (p) => this.runs.getRun(p.runId),
    'runs.delete': (p) => {
      this.runs.deleteRun(p.runId);
      return {};
    },
    'runs.prune': () => this.runs.prune(),
    'runs.subscribe': (p, session) => {
      session.subscribe(p.runId, p.replay ?? true);
      return {};
    },
    'runs.unsubscribe': (p, session) => {
      session.unsubscribe(p.runId);
      return {};
    },
    'catalog.kinds': () => ({ kinds: describeKinds() }),
    'settings.retention.get': () => this.runs.getRetention(),
    'settings.retention.set': (p) => this.runs.setRetention(p),
    'workers.list': (p) => this.listWorkers(p),
  };

  private listRuns(p: Params<'runs.list'>): Results['runs.list'] {
    if (p.state !== undefined && !RUN_STATES.has(p.state)) {
      throw badRequest(
        [{ path: 'params.state', message: `unknown state (expected one of ${[...RUN_STATES].join(', ')})` }],
        "Invalid params of 'runs.list'",
      );
    }
    try {
      return this.runs.listRuns({
        ...(p.state !== undefined ? { state: p.state as RunState | 'INTERRUPTED' } : {}),
        ...(p.flow !== undefined ? { flow: p.flow } : {}),
        ...(p.engine !== undefined ? { engine: p.engine } : {}),
        ...(p.limit !== undefined ? { limit: p.limit } : {}),
        ...(p.cursor !== undefined ? { cursor: p.cursor } : {}),
      });
    } catch (e) {
      // Every other filter was checked above; what the store refuses is the cursor.
      if (e instanceof ValueError) {
        throw badRequest(
          [{ path: 'params.cursor', message: 'not a cursor of this history; pass a nextCursor unchanged' }],
          "Invalid params of 'runs.list'",
        );
      }
      throw e;
    }
  }

  private async listWorkers(p: Params<'workers.list'>): Promise<Results['workers.list']> {
    const d = this.workers;
    if (p.url !== undefined && !/^amqps?:\/\//i.test(p.url)) {
      throw badRequest(
        [{ path: 'params.url', message: 'a broker URL starts with amqp:// or amqps://' }],
        "Invalid params of 'workers.list'",
      );
    }
    const url = p.url ?? d.url;
    const topics = p.topics ?? d.topics;
    const workers = await listWorkers({
      ...(url !== undefined ? { url } : {}),
      exchange: p.exchange ?? d.exchange ?? 'atomflow',
      topics: topics !== undefined && topics.length > 0 ? [...topics] : ['default'],
      waitMs: p.waitMs ?? DEFAULT_WORKERS_WAIT_MS,
      connectTimeoutMs: d.connectTimeoutMs ?? DEFAULT_BROKER_CONNECT_TIMEOUT_MS,
    });
    return {
      workers: workers.map((w) => ({ ...w.info, lastSeen: w.lastSeen, load: w.load, draining: w.draining })),
    };
  }
}

/** A run this session follows. */
interface Subscription {
  /** False once unsubscribed or ended: its listener then ignores what still comes. */
  active: boolean;
  /** Removes the listener from the run service (a listener given to `start`/`resume` cannot be removed). */
  unsubscribe: (() => void) | undefined;
}

/** What a session uses of its host. */
interface HostContext {
  readonly runs: RunService;
  isClosed(): boolean;
  call(session: Session, method: Method, params: unknown): unknown;
  forget(session: Session): void;
  /** Keeps a request being handled, so that closing the host waits for it. */
  track(p: Promise<void>): void;
  errorOf(e: unknown, method: string | undefined): ContractError;
  report(message: string, error: unknown): void;
}

/** A connected front end; see {@link ContractSession}. */
class Session implements ContractSession {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly batcher: EventBatcher;
  private closed = false;

  constructor(
    private readonly host: HostContext,
    private readonly sendTo: (message: Response | EventsMessage) => void,
  ) {
    this.batcher = new EventBatcher(
      (message) => {
        this.send(message);
      },
      {
        onError: (e) => {
          host.report('sending run events failed', e);
        },
      },
    );
  }

  handle(raw: unknown): Promise<void> {
    try {
      return this.dispatch(raw);
    } catch (e) {
      // Not reached by any request known; the promise of never throwing holds all the same.
      this.host.report('handling a request failed', e);
      return Promise.resolve();
    }
  }

  private dispatch(raw: unknown): Promise<void> {
    if (this.closed) return Promise.resolve();
    const request = parseRequest(raw);
    if ('error' in request) {
      this.fail(request.id, request.error, undefined);
      return Promise.resolve();
    }
    const { id, method } = request;
    if (this.host.isClosed()) {
      this.fail(id, new RequestError({ code: 'unavailable', message: 'The host is shutting down' }), method);
      return Promise.resolve();
    }
    let result: unknown;
    try {
      result = this.host.call(this, method, request.params);
    } catch (e) {
      this.fail(id, e, method);
      return Promise.resolve();
    }
    if (!(result instanceof Promise)) {
      // Sent synchronously, before any event the call queued can be flushed.
      this.succeed(id, result, method);
      return Promise.resolve();
    }
    const done = (result as Promise<unknown>).then(
      (r) => {
        this.succeed(id, r, method);
      },
      (e: unknown) => {
        this.fail(id, e, method);
      },
    );
    this.host.track(done);
    return done;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const sub of this.subscriptions.values()) this.stop(sub);
    this.subscriptions.clear();
    this.batcher.close();
    this.host.forget(this);
  }

  // ------------------------------------------------------------- runs

  /**
   * Starts or resumes a run with a listener of this session, so its events
   * come from the very first one; returns `{ runId }`.
   */
  start(begin: (listener: (event: RunEvent) => void) => string): { runId: string } {
    const { sub, listener } = this.follower();
    const runId = begin(listener);
    const old = this.subscriptions.get(runId);
    if (old) this.stop(old);
    if (sub.active && !this.closed) this.subscriptions.set(runId, sub);
    else sub.active = false;
    return { runId };
  }

  /** Follows a run's events; a run already followed is left as it is (no second replay). */
  subscribe(runId: string, replay: boolean): void {
    if (this.subscriptions.has(runId)) return;
    const { sub, listener } = this.follower();
    sub.unsubscribe = this.host.runs.subscribe(runId, listener, { replay });
    // A run that is not running here was delivered whole, `end` included, during `subscribe`.
    if (sub.active) this.subscriptions.set(runId, sub);
  }

  unsubscribe(runId: string): void {
    const sub = this.subscriptions.get(runId);
    if (!sub) return;
    this.subscriptions.delete(runId);
    this.stop(sub);
  }

  /** A new subscription and the listener that feeds this session's batcher while it is active. */
  private follower(): { sub: Subscription; listener: (event: RunEvent) => void } {
    const sub: Subscription = { active: true, unsubscribe: undefined };
    const listener = (event: RunEvent): void => {
      if (!sub.active || this.closed) return;
      this.batcher.push(event);
      if (event.type === 'end') {
        // The stream is over: a later subscribe (after a resume, say) follows the run again.
        sub.active = false;
        if (this.subscriptions.get(event.runId) === sub) this.subscriptions.delete(event.runId);
      }
    };
    return { sub, listener };
  }

  private stop(sub: Subscription): void {
    sub.active = false;
    try {
      sub.unsubscribe?.();
    } catch (e) {
      this.host.report('unsubscribing from a run failed', e);
    }
  }

  // ------------------------------------------------------------- sending

  private succeed(id: number, result: unknown, method: Method): void {
    let plain: unknown;
    try {
      // Plain JSON data whatever a service returned: it crosses a socket or IPC next.
      plain = jsonSafe(result) ?? null;
    } catch (e) {
      this.fail(id, e, method);
      return;
    }
    this.send({ id, ok: true, result: plain });
  }

  private fail(id: number | null, e: unknown, method: string | undefined): void {
    this.send({ id, ok: false, error: this.host.errorOf(e, method) });
  }

  private send(message: Response | EventsMessage): void {
    if (this.closed) return;
    try {
      this.sendTo(message);
    } catch (e) {
      this.host.report('sending a message to a front end failed', e);
    }
  }
}
