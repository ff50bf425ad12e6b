/**
 * Turns a {@link Recipe} into the bytes and address of one hostile message,
 * from what a run has really sent so far (the {@link RealMessages} the
 * recorder heard). Each message says what the fuzz expects of it:
 * `invalid` (every consumer must drop it with a warning) or `valid` (it
 * parses, and must change nothing: an unknown id, the wrong worker, a repeat
 * of a request already taken…), and who consumes it.
 */
import { gzipSync } from 'node:zlib';
import { keys, type Message, type Request } from '../../engine/workers/protocol.js';
import type { Recipe, SourceType, Target, WrongValues } from './amqp-arbitraries.js';
import type { Address, Recorded } from './amqp-noise.js';

/** Who reads a message: the engine's client, or worker 0 or 1. */
export type Consumer = 'engine' | 0 | 1;

/** The fixed facts of the fuzz: the exchange, the engine and the two workers. */
export interface Scene {
  readonly exchange: string;
  readonly topic: string;
  readonly engineId: string;
  readonly workerIds: readonly [string, string];
  /** A routing key only the recorder listens on: where redirected answers go. */
  readonly sinkKey: string;
}

/** One hostile message, ready to publish. */
export interface Hostile {
  /** The recipe kind and its variant, for the report. */
  readonly kind: string;
  readonly detail: string;
  /** Where it goes, and a name for that in the report. */
  readonly to: Address;
  readonly where: string;
  readonly consumers: readonly Consumer[];
  readonly body: Buffer;
  readonly intended: 'invalid' | 'valid';
  /** A request that is a repeat of a real one (same id): the worker that had it must not run it again. */
  readonly repeats?: Request;
  /** A repeat redirected to the sink: its id, and its final answer if the worker had already sent it. */
  readonly toSink?: { readonly id: string; readonly final: Buffer | undefined };
}

/** How many recorded messages count as "recent" (this run's rather than earlier runs'). */
const RECENT = 40;

/** Only one over-limit body (16 MiB) per run: each costs the broker 32 MiB (the recorder gets a copy). */
const OVER_LIMIT_PER_RUN = 1;

const MAX_BYTES = 16 * 1024 * 1024;

/** The real messages heard so far, by type, with what is known of each request's fate. */
export class RealMessages {
  private readonly byType: Record<SourceType, Recorded[]> = {
    request: [],
    response: [],
    announce: [],
    notify: [],
  };
  private seen = 0;
  /** Request id → its final response body as it first reached the engine. */
  readonly finals = new Map<string, Buffer>();
  readonly requests = new Map<string, Recorded>();
  /** Over-limit bodies still allowed in this run; the others become long (but valid) ones. */
  overLimitLeft = OVER_LIMIT_PER_RUN;

  constructor(
    private readonly recorded: readonly Recorded[],
    private readonly scene: Scene,
  ) {}

  /** A new run: its own allowance of over-limit bodies. */
  nextRun(): void {
    this.overLimitLeft = OVER_LIMIT_PER_RUN;
  }

  /** Takes in what the recorder heard since the last call. */
  update(): void {
    for (; this.seen < this.recorded.length; this.seen++) {
      const r = this.recorded[this.seen] as Recorded;
      const m = r.message;
      if (m.type === 'request' && r.key.startsWith('worker.')) {
        this.byType.request.push(r);
        if (!this.requests.has(m.id)) this.requests.set(m.id, r);
      } else if (m.type === 'response' && r.key === keys.client(this.scene.engineId)) {
        this.byType.response.push(r);
        if ((m.state === 'success' || m.state === 'failure') && !this.finals.has(m.id))
          this.finals.set(m.id, r.body);
      } else if (m.type === 'announce') this.byType.announce.push(r);
      else if (m.type === 'notify') this.byType.notify.push(r);
    }
  }

  /** A recorded message of `type` (or of any type, when there is none of it yet). */
  pick(type: SourceType, pick: number, recent: boolean): Recorded {
    let list = this.byType[type];
    if (list.length === 0) list = Object.values(this.byType).flat();
    if (list.length === 0) throw new Error('the recorder has heard no real message yet');
    const from = recent ? Math.max(0, list.length - RECENT) : 0;
    return list[from + (pick % (list.length - from))] as Recorded;
  }

  /** Requests sent, not finished yet (ids the engine is waiting on), or any request if none is. */
  inflight(pick: number): Recorded {
    const open = [...this.requests.values()].filter((r) => !this.finals.has((r.message as Request).id));
    if (open.length > 0) return open[pick % open.length] as Recorded;
    return this.pick('request', pick, true);
  }
}

function resolve(
  scene: Scene,
  target: Target,
  worker: 0 | 1,
): { to: Address; where: string; consumers: Consumer[] } {
  const w = scene.workerIds[worker];
  switch (target) {
    case 'engine key':
      return { to: { key: keys.client(scene.engineId) }, where: target, consumers: ['engine'] };
    case 'engine queue':
      return {
        to: { queue: `${scene.exchange}.client.${scene.engineId}` },
        where: target,
        consumers: ['engine'],
      };
    case 'announce key':
      return { to: { key: keys.announce(scene.topic) }, where: target, consumers: ['engine'] };
    case 'worker key':
      return { to: { key: keys.worker(w) }, where: target, consumers: [worker] };
    case 'worker queue':
      return { to: { queue: `${scene.exchange}.worker.${w}` }, where: target, consumers: [worker] };
    case 'topic key':
      return { to: { key: keys.topic(scene.topic) }, where: target, consumers: [0, 1] };
  }
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body as plain JSON (tags left as they are), to mutate. */
const raw = (r: Recorded): Json => JSON.parse(r.body.toString('utf8')) as Json;
const bytes = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');

const WORKER_INFO_KEYS = ['id', 'topic', 'kinds', 'concurrency', 'heartbeatMs', 'host', 'pid', 'startedAt'];

/** Paths whose value has a definite type in the schema (not `unknown` like a result or an argument). */
function typedPaths(m: Json): string[][] {
  const present = (names: readonly string[]): string[][] => names.filter((k) => k in m).map((k) => [k]);
  const paths = present(['v', 'type']);
  switch (m.type) {
    case 'notify':
      paths.push(...present(['replyTo']));
      break;
    case 'announce':
      paths.push(...present(['state', 'worker']));
      if (isObject(m.worker)) for (const k of WORKER_INFO_KEYS) if (k in m.worker) paths.push(['worker', k]);
      break;
    case 'request':
      paths.push(
        ...present(['id', 'replyTo', 'kind', 'args', 'name', 'uuid', 'action', 'attempt', 'arguments']),
        ...present(['resultFailure', 'failures', 'timeoutMs']),
      );
      break;
    case 'response':
      paths.push(
        ...present(['id', 'worker', 'state', 'progress', 'details', 'stream', 'text', 'failure', 'reason']),
      );
      if (isObject(m.failure)) {
        for (const k of ['version', 'exceptionStr', 'tracebackStr', 'excTypeNames'])
          paths.push(['failure', k]);
      }
      break;
  }
  return paths;
}

/** Paths a message of its type and state cannot do without. */
function requiredPaths(m: Json): string[][] {
  const required: Record<string, readonly string[]> = {
    notify: ['replyTo'],
    announce: ['state', 'worker'],
    request: ['id', 'replyTo', 'kind', 'args', 'name', 'uuid', 'action', 'arguments'],
    response: ['id', 'worker', 'state', 'progress', 'details', 'stream', 'text', 'failure', 'reason'],
  };
  const paths = ['v', 'type', ...(required[String(m.type)] ?? [])].filter((k) => k in m).map((k) => [k]);
  if (m.type === 'announce' && isObject(m.worker))
    for (const k of WORKER_INFO_KEYS) paths.push(['worker', k]);
  return paths;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isObject(v) && '$af' in v) return 'tagged';
  return typeof v;
}

function setPath(m: Json, path: readonly string[], value: unknown): void {
  let at: Json = m;
  for (const k of path.slice(0, -1)) at = at[k] as Json;
  const last = path[path.length - 1] as string;
  if (value === undefined) Reflect.deleteProperty(at, last);
  else at[last] = value;
}

function getPath(m: Json, path: readonly string[]): unknown {
  let at: unknown = m;
  for (const k of path) at = (at as Json)[k];
  return at;
}

/** A value of another JSON type than `current`. */
function wrongValue(current: unknown, values: WrongValues, choice: number): unknown {
  const candidates: unknown[] = [
    null,
    values.boolean,
    values.number,
    values.string,
    values.array,
    values.object,
    values.tagged,
  ];
  const other = candidates.filter((c) => jsonType(c) !== jsonType(current));
  return other[choice % other.length];
}

/** A request id the engine never made (its own prefix, another engine's, or none). */
function freshId(scene: Scene, text: string, n: number): string {
  const forms = [
    `${scene.engineId}:${String(900_000 + n)}:${Buffer.from(text).toString('base64url')}`,
    `fuzz-${text}`,
    `00000000-0000-0000-0000-000000000000:${String(n)}`,
  ];
  return (forms[n % forms.length] as string).slice(0, 500);
}

const STATES = ['success', 'failure', 'running', 'queued', 'progress', 'log', 'returned'] as const;

function responseBody(state: (typeof STATES)[number], forgedFailure: Json): Json {
  switch (state) {
    case 'success':
      return { state, result: 'forged' };
    case 'failure':
      return { state, failure: forgedFailure };
    case 'progress':
      return { state, progress: 0.99, details: { forged: true } };
    case 'log':
      return { state, stream: 'stdout', text: 'forged output' };
    case 'returned':
      return { state, reason: 'forged' };
    default:
      return { state };
  }
}

const FORGED_FAILURE: Json = {
  version: 1,
  exceptionStr: 'forged failure',
  tracebackStr: '',
  excTypeNames: ['Error'],
  excArgs: [],
  causes: [],
};

/** Bytes, address and expectation of one hostile message. */
export function materialise(recipe: Recipe, real: RealMessages, scene: Scene, n: number): Hostile {
  const engine = resolve(scene, 'engine key', 0);
  switch (recipe.kind) {
    case 'garbage':
      return {
        kind: 'garbage',
        detail: 'random bytes',
        ...resolve(scene, recipe.target, recipe.worker),
        body: Buffer.from(recipe.bytes),
        intended: 'invalid',
      };
    case 'text':
      return {
        kind: 'text',
        detail: 'not a message',
        ...resolve(scene, recipe.target, recipe.worker),
        body: Buffer.from(recipe.text, 'utf8'),
        intended: 'invalid',
      };
    case 'truncated': {
      const r = real.pick(recipe.source, recipe.pick, recipe.recent);
      const body = r.body.subarray(0, Math.floor(recipe.fraction * r.body.length));
      return {
        kind: 'truncated',
        detail: r.message.type,
        ...resolve(scene, recipe.target, recipe.worker),
        body: Buffer.from(body),
        intended: 'invalid',
      };
    }
    case 'wrongType': {
      const r = real.pick(recipe.source, recipe.pick, recipe.recent);
      const m = raw(r);
      const paths = typedPaths(m);
      const path = paths[recipe.path % paths.length] as string[];
      setPath(m, path, wrongValue(getPath(m, path), recipe.values, recipe.choice));
      return {
        kind: 'wrongType',
        detail: `${r.message.type}.${path.join('.')}`,
        ...resolve(scene, recipe.target, recipe.worker),
        body: bytes(m),
        intended: 'invalid',
      };
    }
    case 'missingKey': {
      const r = real.pick(recipe.source, recipe.pick, recipe.recent);
      const m = raw(r);
      const paths = requiredPaths(m);
      const path = paths[recipe.path % paths.length] as string[];
      setPath(m, path, undefined);
      return {
        kind: 'missingKey',
        detail: `${r.message.type}.${path.join('.')}`,
        ...resolve(scene, recipe.target, recipe.worker),
        body: bytes(m),
        intended: 'invalid',
      };
    }
    case 'wrongVersion': {
      const r = real.pick(recipe.source, recipe.pick, recipe.recent);
      const m = raw(r);
      setPath(m, ['v'], recipe.version);
      return {
        kind: 'wrongVersion',
        detail: r.message.type,
        ...resolve(scene, recipe.target, recipe.worker),
        body: bytes(m),
        intended: 'invalid',
      };
    }
    case 'unknownType': {
      const r = real.pick(recipe.source, recipe.pick, recipe.recent);
      const m = raw(r);
      m.type = recipe.type;
      return {
        kind: 'unknownType',
        detail: r.message.type,
        ...resolve(scene, recipe.target, recipe.worker),
        body: bytes(m),
        intended: 'invalid',
      };
    }
    case 'encoding': {
      const r = real.pick(recipe.source, recipe.pick, recipe.recent);
      const text = r.body.toString('utf8');
      const body = {
        utf16le: () => Buffer.from(text, 'utf16le'),
        bom: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), r.body]),
        gzip: () => gzipSync(r.body),
        base64: () => Buffer.from(r.body.toString('base64')),
      }[recipe.how]();
      return {
        kind: 'encoding',
        detail: recipe.how,
        ...resolve(scene, recipe.target, recipe.worker),
        body,
        intended: 'invalid',
      };
    }
    case 'huge': {
      const aim = resolve(scene, recipe.target, recipe.worker);
      const how = recipe.how === 'over limit' && real.overLimitLeft <= 0 ? 'long text' : recipe.how;
      if (how === 'over limit') {
        real.overLimitLeft--;
        // A real message padded past the limit: valid but for its size, so only the size check can refuse it.
        const m = raw(real.pick(recipe.source, recipe.pick, recipe.recent));
        const text = JSON.stringify(m);
        const body = Buffer.from(`${text.slice(0, -1)}${' '.repeat(MAX_BYTES + 1 - text.length)}}`, 'utf8');
        return { kind: 'huge', detail: how, ...aim, body, intended: 'invalid' };
      }
      if (how === 'long text') {
        // Well formed, for an id nobody waits on: read, and ignored.
        const m = {
          v: 1,
          type: 'response',
          id: freshId(scene, 'huge', n),
          worker: scene.workerIds[recipe.worker],
          state: 'log',
          stream: 'stdout',
          text: 'x'.repeat(recipe.size),
        };
        return { kind: 'huge', detail: how, ...aim, body: bytes(m), intended: 'valid' };
      }
      if (how === 'long args') {
        const m = raw(real.pick('request', recipe.pick, recipe.recent));
        m.args = Array.from({ length: Math.max(10_001, Math.floor(recipe.size / 4)) }, (_, i) => i % 10);
        return { kind: 'huge', detail: how, ...aim, body: bytes(m), intended: 'invalid' };
      }
      const depth = Math.floor(recipe.size / 8);
      const body = Buffer.from(
        `{"v":1,"type":"response","x":${'['.repeat(depth)}{"$af":"undefined"}${']'.repeat(depth)}}`,
      );
      return { kind: 'huge', detail: how, ...aim, body, intended: 'invalid' };
    }
    case 'forged':
      return forge(recipe, real, scene, n, engine);
    case 'typeConfusion': {
      // Worker-bound messages to the engine, engine-bound ones to the workers: valid, and not for them.
      const r = real.pick(recipe.source, recipe.pick, recipe.recent);
      const toEngine = r.message.type === 'request' || r.message.type === 'notify';
      const targets: readonly Target[] = toEngine
        ? ['engine key', 'engine queue', 'announce key']
        : ['worker key', 'worker queue', 'topic key'];
      const aim = resolve(scene, targets[recipe.pick % targets.length] as Target, recipe.worker);
      const detail = `${r.message.type} to ${toEngine ? 'the engine' : 'workers'}`;
      return { kind: 'typeConfusion', detail, ...aim, body: r.body, intended: 'valid' };
    }
    case 'replay':
      return replay(recipe, real, scene);
  }
}

function replay(recipe: Extract<Recipe, { kind: 'replay' }>, real: RealMessages, scene: Scene): Hostile {
  const r = real.pick(recipe.source, recipe.pick, recipe.recent);
  const m: Message = r.message;
  const base = { kind: 'replay', body: r.body, intended: 'valid' as const };
  if (m.type === 'request') {
    const w = scene.workerIds.indexOf(r.key.slice('worker.'.length)) as 0 | 1 | -1;
    if (w === -1) throw new Error(`a request recorded on ${r.key}, no worker of ours`);
    const aim =
      recipe.route === 'same key'
        ? resolve(scene, 'worker key', w)
        : recipe.route === 'same queue'
          ? resolve(scene, 'worker queue', w)
          : resolve(scene, 'topic key', w);
    return { ...base, detail: `request via ${recipe.route}`, ...aim, repeats: m };
  }
  if (m.type === 'response') {
    const aim =
      recipe.route === 'same queue' ? resolve(scene, 'engine queue', 0) : resolve(scene, 'engine key', 0);
    return { ...base, detail: `response ${m.state}`, ...aim };
  }
  if (m.type === 'announce') return { ...base, detail: 'announce', ...resolve(scene, 'announce key', 0) };
  return { ...base, detail: 'notify', ...resolve(scene, 'topic key', 0) };
}

function forge(
  recipe: Extract<Recipe, { kind: 'forged' }>,
  real: RealMessages,
  scene: Scene,
  n: number,
  engine: ReturnType<typeof resolve>,
): Hostile {
  const workerId = scene.workerIds[recipe.worker];
  const state = STATES[recipe.state % STATES.length] as (typeof STATES)[number];
  const base = { kind: 'forged', detail: recipe.how, intended: 'valid' as const };
  switch (recipe.how) {
    case 'fresh response id': {
      const m = {
        v: 1,
        type: 'response',
        id: freshId(scene, recipe.text, n),
        worker: workerId,
        ...responseBody(state, FORGED_FAILURE),
      };
      return { ...base, ...engine, body: bytes(m) };
    }
    case 'in-flight id, wrong worker': {
      const r = real.inflight(recipe.pick);
      const owner = r.key.slice('worker.'.length);
      const other = scene.workerIds.find((w) => w !== owner) as string;
      // The other real worker, or an impostor: the engine takes answers only from the worker it sent to.
      const worker = recipe.pick % 2 === 0 ? other : `impostor-${recipe.text}`.slice(0, 500);
      const m = {
        v: 1,
        type: 'response',
        id: (r.message as Request).id,
        worker,
        ...responseBody(state, FORGED_FAILURE),
      };
      return { ...base, ...engine, body: bytes(m) };
    }
    case 'redirected reply-to': {
      const r = real.pick('request', recipe.pick, recipe.recent);
      const m = raw(r);
      const request = r.message as Request;
      const sink = recipe.pick % 3 !== 0;
      m.replyTo = sink ? scene.sinkKey : `nowhere.${recipe.text}`.slice(0, 500);
      const w = scene.workerIds.indexOf(r.key.slice('worker.'.length)) as 0 | 1;
      return {
        ...base,
        ...resolve(scene, 'worker key', w),
        body: bytes(m),
        repeats: request,
        ...(sink ? { toSink: { id: request.id, final: real.finals.get(request.id) } } : {}),
      };
    }
    case 'unknown kind request':
    case 'bad node request': {
      // A request of its own (a new id): answered with a failure, never run. A task node no kind accepts,
      // for a kind the worker does run, fails in the endpoint before anything runs.
      const unknown = recipe.how === 'unknown kind request';
      const m = {
        v: 1,
        type: 'request',
        id: freshId(scene, recipe.text, n),
        replyTo: recipe.pick % 2 === 0 ? keys.client(scene.engineId) : scene.sinkKey,
        kind: unknown ? `fuzz.${recipe.text}`.slice(0, 1000) : 'shell',
        args: unknown ? [] : [{ type: 'task', name: 'forged', kind: 'shell', config: { command: 42 } }],
        name: 'forged',
        uuid: `uuid-${String(n)}`,
        action: 'execute',
        attempt: 1,
        arguments: {},
      };
      return { ...base, ...resolve(scene, 'worker key', recipe.worker), body: bytes(m) };
    }
    case 'fake worker announce': {
      const m = {
        v: 1,
        type: 'announce',
        state: 'up',
        worker: {
          id: `fake-${String(n)}-${recipe.text}`.slice(0, 500),
          topic: scene.topic,
          kinds: ['fuzz.nothing'],
          concurrency: 1,
          heartbeatMs: 50 + (recipe.pick % 950),
          host: 'nowhere',
          pid: 1,
          startedAt: 0,
        },
      };
      return { ...base, ...resolve(scene, 'announce key', 0), body: bytes(m) };
    }
    case 'notify to elsewhere': {
      const replyTo = [
        scene.sinkKey,
        keys.topic(scene.topic),
        keys.worker(workerId),
        `nowhere.${recipe.text}`.slice(0, 500),
      ][recipe.pick % 4] as string;
      return { ...base, ...resolve(scene, 'topic key', 0), body: bytes({ v: 1, type: 'notify', replyTo }) };
    }
  }
}
