/**
 * Out-of-order use of the run methods, over any connection: runs suspended,
 * cancelled, resumed and deleted in states that allow it and states that do
 * not, unknown run ids, subscribing to runs that ended, unsubscribing twice,
 * cursors the history never gave, many requests in flight at once. A model
 * of each run (its state, whether this connection follows it, how many `end`
 * events it owes the connection) says what every answer must be, and each
 * `end` owed is awaited as it falls due, so a stream that stops early or
 * delivers twice is caught.
 */
import fc from 'fast-check';
import type { Response, RunEventData } from '../../app/contract/index.js';
import { linearDocument } from '../app/runs-support.js';
import type { RunService } from '../../app/runs/index.js';
import { until, type Conn } from './host-harness.js';
import { SMALL_DOC } from './host-probes.js';
import { FULL } from './scale.js';

/** 150 tasks of 100 ms: running for 15 s unless stopped; a suspend takes effect within 100 ms. */
export const LONG_DOC = linearDocument(
  'fuzz-long',
  Array.from({ length: 150 }, (_, i) => ({
    type: 'task',
    name: `wait${String(i)}`,
    kind: 'delay',
    config: { ms: 100 },
  })),
);

/** Long runs running at once in a scenario (a start past this runs the small document instead). */
const MAX_LONG = 3;

type StateOp = 'runs.suspend' | 'runs.cancel' | 'runs.resume' | 'runs.delete' | 'runs.detail';
type UnknownOp = StateOp | 'runs.subscribe' | 'runs.unsubscribe';

export type Step =
  | { readonly op: 'start'; readonly long: boolean }
  | { readonly op: StateOp; readonly run: number }
  | { readonly op: 'runs.subscribe'; readonly run: number; readonly replay: boolean | undefined }
  | { readonly op: 'runs.unsubscribe'; readonly run: number; readonly times: number }
  | { readonly op: 'unknown'; readonly method: UnknownOp; readonly runId: string }
  | { readonly op: 'cursor'; readonly at: number; readonly uuid: string }
  | { readonly op: 'burst'; readonly size: number }
  | { readonly op: 'reconnect' };

export interface Scenario {
  readonly steps: readonly Step[];
  /** How the connection ends: closed when idle, or with requests still in flight. */
  readonly close: 'idle' | 'in-flight';
}

const runRef = fc.nat({ max: 7 });

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('start' as const), long: fc.boolean() }) },
  {
    weight: 8,
    arbitrary: fc.record({
      // Suspend and resume more often than the rest, so runs go round the states, not just to the end.
      op: fc.constantFrom<StateOp>(
        'runs.suspend',
        'runs.suspend',
        'runs.suspend',
        'runs.resume',
        'runs.resume',
        'runs.resume',
        'runs.cancel',
        'runs.delete',
        'runs.delete',
        'runs.detail',
      ),
      run: runRef,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('runs.subscribe' as const),
      run: runRef,
      replay: fc.constantFrom(true, false, undefined),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('runs.unsubscribe' as const),
      run: runRef,
      times: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('unknown' as const),
      method: fc.constantFrom<UnknownOp>(
        'runs.suspend',
        'runs.cancel',
        'runs.resume',
        'runs.delete',
        'runs.detail',
        'runs.subscribe',
        'runs.unsubscribe',
      ),
      runId: fc
        .oneof(fc.uuid(), fc.string({ unit: 'binary', minLength: 1, maxLength: 128 }))
        .filter((s) => s.length <= 128),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('cursor' as const),
      at: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
      uuid: fc.uuid(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('burst' as const), size: fc.integer({ min: 10, max: 150 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'reconnect' as const }) },
);

/** A scenario: it always starts a long run first, so there is something to get wrong. */
export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  steps: fc
    .array(step, { minLength: 6, maxLength: FULL ? 24 : 14 })
    .map((steps): Step[] => [{ op: 'start', long: true }, ...steps]),
  close: fc.constantFrom<'idle' | 'in-flight'>('idle', 'in-flight'),
});

type EndEvent = Extract<RunEventData, { type: 'end' }>;

type RunStateModel = 'running' | 'suspended' | 'cancelled' | 'ended' | 'deleted';

interface RunModel {
  readonly runId: string;
  readonly long: boolean;
  state: RunStateModel;
  /** This connection's session follows the run (started, resumed or subscribed, and not ended since). */
  followed: boolean;
  /** `end` events this connection has been owed for the run so far. */
  ends: number;
}

/** The state an `end` event (and `runs.detail`) shows for a stopped run. */
const SHOWN: Record<Exclude<RunStateModel, 'running' | 'deleted'>, string> = {
  suspended: 'SUSPENDED',
  cancelled: 'CANCELLED',
  ended: 'SUCCESS',
};

/** What a transport does for a scenario step that only it has. */
export interface TransportSteps {
  /**
   * A second connection or a reload, mid-scenario. Returns true when this
   * connection's session was replaced (an IPC reload): it then follows no run.
   */
  reconnect(conn: Conn, running: readonly string[]): Promise<boolean>;
}

/** What a scenario did, for the suite's checks and counts. */
export interface ScenarioOutcome {
  /** Requests sent (the transport's own steps not included). */
  requests: number;
  /** Runs started and deleted through the connection. */
  started: number;
  deleted: number;
  /** Long runs still running at the end (the suite stops them after closing the connection). */
  running: string[];
  /** How many answers had each code (`ok`, `conflict`, `not-found`…), to show what was exercised. */
  codes: Record<string, number>;
}

function describeAnswer(r: Response): string {
  return r.ok
    ? `ok ${JSON.stringify(r.result).slice(0, 200)}`
    : `${r.error.code}: ${r.error.message.slice(0, 200)}`;
}

/**
 * Runs `scenario`'s steps on `conn`, checking every answer against the model
 * and awaiting every `end` event owed. Throws on the first wrong answer.
 */
export async function runScenario(
  conn: Conn,
  scenario: Scenario,
  runs: RunService,
  transport: TransportSteps,
): Promise<ScenarioOutcome> {
  const known: RunModel[] = [];
  const outcome: ScenarioOutcome = { requests: 0, started: 0, deleted: 0, running: [], codes: {} };

  const call = async (method: string, params?: unknown): Promise<Response> => {
    outcome.requests += 1;
    return conn.call(method, params);
  };
  const expectAnswer = (r: Response, code: string, what: string): void => {
    const got = r.ok ? 'ok' : r.error.code;
    outcome.codes[got] = (outcome.codes[got] ?? 0) + 1;
    if (got !== code) throw new Error(`${what}: expected ${code}, got ${describeAnswer(r)}`);
  };
  const endsOf = (runId: string): EndEvent[] =>
    conn.runEvents(runId).filter((e): e is EndEvent => e.type === 'end');
  /** The run stopped: its follower is owed an end, and follows it no more. */
  const stopped = async (
    run: RunModel,
    state: Exclude<RunStateModel, 'running' | 'deleted'>,
  ): Promise<void> => {
    await runs.wait(run.runId);
    run.state = state;
    if (run.followed) await owe(run);
    run.followed = false;
  };
  /** One more end event is owed for `run`: it must arrive, with the state the model says. */
  const owe = async (run: RunModel): Promise<void> => {
    run.ends += 1;
    await until(() => endsOf(run.runId).length >= run.ends, `end #${String(run.ends)} of ${run.runId}`);
    const last = endsOf(run.runId)[run.ends - 1];
    const want = SHOWN[run.state as keyof typeof SHOWN];
    if (last?.state !== want)
      throw new Error(`the end of ${run.runId} says ${String(last?.state)}, not ${want}`);
  };
  const pick = (i: number): RunModel | undefined =>
    known.length === 0 ? undefined : known[i % known.length];
  const running = (): RunModel[] => known.filter((r) => r.state === 'running');

  for (const s of scenario.steps) {
    switch (s.op) {
      case 'start': {
        const long = s.long && running().filter((r) => r.long).length < MAX_LONG;
        const r = await call('runs.start', { document: long ? LONG_DOC : SMALL_DOC });
        expectAnswer(r, 'ok', 'runs.start');
        const runId = (r as { result: { runId: string } }).result.runId;
        const run: RunModel = { runId, long, state: 'running', followed: true, ends: 0 };
        known.push(run);
        outcome.started += 1;
        if (!long) await stopped(run, 'ended');
        break;
      }
      case 'runs.suspend':
      case 'runs.cancel':
      case 'runs.resume':
      case 'runs.delete':
      case 'runs.detail': {
        const run = pick(s.run);
        if (!run) {
          expectAnswer(
            await call(s.op, { runId: 'fuzz: no run yet' }),
            'not-found',
            `${s.op} before any run`,
          );
          break;
        }
        const r = await call(s.op, { runId: run.runId });
        const what = `${s.op} of a ${run.state} run`;
        if (run.state === 'deleted') {
          expectAnswer(r, 'not-found', what);
          break;
        }
        if (s.op === 'runs.detail') {
          expectAnswer(r, 'ok', what);
          const shown = (r as { result: { state: string } }).result.state;
          const ok =
            run.state === 'running'
              ? ['PENDING', 'RUNNING', 'RESUMING'].includes(shown)
              : shown === SHOWN[run.state];
          if (!ok) throw new Error(`${what} shows ${shown}`);
        } else if (s.op === 'runs.suspend') {
          expectAnswer(r, run.state === 'running' ? 'ok' : 'conflict', what);
          if (run.state === 'running') await stopped(run, 'suspended');
        } else if (s.op === 'runs.cancel') {
          expectAnswer(r, run.state === 'ended' ? 'conflict' : 'ok', what);
          if (run.state === 'running') await stopped(run, 'cancelled');
          else if (run.state === 'suspended') run.state = 'cancelled';
        } else if (s.op === 'runs.resume') {
          expectAnswer(r, run.state === 'suspended' ? 'ok' : 'conflict', what);
          if (run.state === 'suspended') {
            run.state = 'running';
            run.followed = true;
          }
        } else {
          expectAnswer(r, run.state === 'running' ? 'conflict' : 'ok', what);
          if (run.state !== 'running') {
            run.state = 'deleted';
            outcome.deleted += 1;
          }
        }
        break;
      }
      case 'runs.subscribe': {
        const run = pick(s.run);
        const runId = run?.runId ?? 'fuzz: no run yet';
        const r = await call(
          'runs.subscribe',
          s.replay === undefined ? { runId } : { runId, replay: s.replay },
        );
        if (!run || run.state === 'deleted') {
          expectAnswer(r, 'not-found', 'runs.subscribe of a run that is not there');
          break;
        }
        expectAnswer(r, 'ok', `runs.subscribe of a ${run.state} run`);
        // A stopped run is delivered whole at once, its end included; a running one is followed.
        if (run.state === 'running') run.followed = true;
        else await owe(run);
        break;
      }
      case 'runs.unsubscribe': {
        const run = pick(s.run);
        for (let i = 0; i < s.times; i++) {
          const r = await call('runs.unsubscribe', { runId: run?.runId ?? 'fuzz: no run yet' });
          expectAnswer(r, 'ok', `runs.unsubscribe #${String(i + 1)}`);
        }
        if (run) run.followed = false;
        break;
      }
      case 'unknown': {
        if (known.some((r) => r.runId === s.runId)) break;
        const r = await call(s.method, { runId: s.runId });
        expectAnswer(
          r,
          s.method === 'runs.unsubscribe' ? 'ok' : 'not-found',
          `${s.method} of an unknown run`,
        );
        break;
      }
      case 'cursor': {
        // Well formed, but never issued: the history pages from that point all the same.
        const at = new Date(s.at).toISOString();
        const cursor = Buffer.from(JSON.stringify([at, s.uuid]), 'utf8').toString('base64url');
        const r = await call('runs.list', { cursor, limit: 50 });
        expectAnswer(r, 'ok', 'runs.list with a forged cursor');
        const listed = (r as { result: { runs: { createdAt: string }[] } }).result.runs;
        const late = listed.find((x) => x.createdAt > at);
        if (late) throw new Error(`runs.list after ${at} listed a run created at ${late.createdAt}`);
        break;
      }
      case 'burst': {
        // Many in flight at once, past the web host's 64 per connection; each answer checked.
        const asked = Array.from({ length: s.size }, (_, i) => {
          const run = pick(i);
          switch (i % 4) {
            case 0:
              return { p: call('catalog.kinds'), code: 'ok' };
            case 1:
              return {
                p: call('workers.list', { url: 'amqp://127.0.0.1:1', waitMs: 0 }),
                code: 'unavailable',
              };
            case 2:
              return { p: call('runs.list', { limit: 5 }), code: 'ok' };
            default:
              return {
                p: call('runs.detail', { runId: run?.runId ?? 'fuzz: no run yet' }),
                code: run && run.state !== 'deleted' ? 'ok' : 'not-found',
              };
          }
        });
        const answers = await Promise.all(asked.map((a) => a.p));
        answers.forEach((r, i) => {
          expectAnswer(r, asked[i]!.code, `request ${String(i)} of a burst of ${String(s.size)}`);
        });
        break;
      }
      case 'reconnect': {
        const replaced = await transport.reconnect(
          conn,
          running().map((r) => r.runId),
        );
        if (replaced) for (const r of known) r.followed = false;
        break;
      }
    }
  }

  // No end beyond those owed: one more round trip, a few event flushes, then every count is exact.
  expectAnswer(await call('catalog.kinds'), 'ok', 'catalog.kinds at the end');
  await new Promise((r) => setTimeout(r, 60));
  for (const run of known) {
    const got = endsOf(run.runId).length;
    if (got !== run.ends)
      throw new Error(`${run.runId} (${run.state}): ${String(got)} end events, ${String(run.ends)} owed`);
  }
  // Leave with a subscription held on every run still running (a started run's own listener cannot be
  // taken back, so unsubscribe and subscribe again): the suite checks that closing lets go of them.
  for (const run of running()) {
    expectAnswer(
      await call('runs.unsubscribe', { runId: run.runId }),
      'ok',
      'runs.unsubscribe before leaving',
    );
    expectAnswer(
      await call('runs.subscribe', { runId: run.runId, replay: false }),
      'ok',
      'runs.subscribe before leaving',
    );
    run.followed = true;
  }
  outcome.running = running().map((r) => r.runId);
  return outcome;
}
