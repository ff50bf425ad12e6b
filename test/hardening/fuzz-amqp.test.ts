/**
 * Fuzz of the AMQP boundary (issue #10): while real flow runs go on between a
 * worker-based engine and two real worker processes, on an exchange of this
 * file's own on the shared broker, a separate amqplib connection publishes
 * hostile messages to the engine's reply queue and to the workers' queues —
 * through the exchange with the routing keys real messages use, and straight
 * to the queues: random bytes, text, truncated real messages, real messages
 * with a field of the wrong type or a required field missing, other protocol
 * versions, unknown types, bodies in other encodings, huge bodies, forged
 * answers (unknown ids, the wrong worker), real requests with their reply-to
 * redirected, requests nobody can run, fake workers, messages for the other
 * side, and byte-for-byte replays of what the run really sent; about half
 * with AMQP properties that lie (content type and encoding, type, headers of
 * every type).
 *
 * The property, for every run (fast-check, seeded; `scale.ts` sets the size):
 * - the run ends exactly as the same flow ends without noise (flow state,
 *   every atom's state, the values, the failures, what the run raised);
 * - every task's execute and revert ran exactly as often as the flow says
 *   (a side file each task appends to: a replayed request run again shows);
 * - each invalid message was dropped with one warning by each consumer it
 *   reached (the engine's client and each worker log one per message), and
 *   nothing was "could not be handled" (a throw past validation);
 * - a replayed request the worker had finished was answered with its
 *   original final answer, byte for byte, and never started again;
 * - the worker processes are alive, and the test process saw no unhandled error.
 * After the fuzz, the same workers serve a clean run, and stop with exit code 0.
 *
 * Replays go where the original went (its routing key, or straight to its
 * queue) or, for requests, to the topic every worker hears: a worker answers
 * a request it has seen from memory, and takes requests only on its own key
 * (before, a request replayed on the topic ran again on the other worker —
 * this fuzz found it). A request replayed to another worker's own key is not
 * sent: that worker has never seen it, and nothing in a request says which
 * worker it was for, so it would run there (as in TaskFlow, which runs every
 * request it gets); refusing it needs requests to name their worker, a
 * protocol change.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerClient, WrappedFailure, load, parseMessage, type Values } from '../../engine/index.js';
import { keys } from '../../engine/workers/protocol.js';
import { waitFor } from '../support/amqp-spy.js';
import { AMQP_URL, startWorker, type TestWorker } from '../support/workers.js';
import { hostilities, type Hostility } from './amqp-arbitraries.js';
import { RealMessages, materialise, type Consumer, type Hostile, type Scene } from './amqp-hostile.js';
import { AmqpNoise } from './amqp-noise.js';
import { fuzzFlow, sideLines } from './fuzz-amqp-flow.js';
import { FULL, SEED, report, scale } from './scale.js';

/** Flow runs under noise, and hostile messages in each (full size: 10 × 1,000). */
const RUNS = scale(2, 10);
const PER_RUN = scale(300, 1000);
/** Tasks in each of the flow's two waves. */
const WAVE = 9;
const TOPIC = 'fuzz';
const HEARTBEAT_MS = 500;
/**
 * The engine forgets a worker not heard from for this long. Its default (three heartbeats) is tight on a
 * loaded two-core CI machine, and a worker taken for lost has its requests sent again: a second execution
 * this fuzz would rightly flag, but that no message of its caused.
 */
const WORKER_EXPIRY_MS = 15_000;
/** Noise goes out in slices this far apart, spread over most of a run. */
const TICK_MS = 20;

const exchange = `fuzz-amqp-${randomUUID()}`;
const work = mkdtempSync(join(tmpdir(), 'atomflow-fuzz-amqp-'));
const engineLog: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => {
  unhandled.push(e);
};

let workers: [TestWorker, TestWorker] | undefined;
let client: WorkerClient | undefined;
let noise: AmqpNoise | undefined;
let scene: Scene | undefined;
let real: RealMessages | undefined;

function ready(): {
  workers: [TestWorker, TestWorker];
  client: WorkerClient;
  noise: AmqpNoise;
  scene: Scene;
  real: RealMessages;
} {
  if (!workers || !client || !noise || !scene || !real) throw new Error('the set-up did not finish');
  return { workers, client, noise, scene, real };
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  const started = await Promise.all(
    [0, 1].map(() => startWorker({ exchange, topic: TOPIC, concurrency: 4, heartbeatMs: HEARTBEAT_MS })),
  );
  workers = [started[0] as TestWorker, started[1] as TestWorker];
  // One client for every run, kept open between them: its queue outlives each run, so noise still
  // arriving after a run has ended is read (and counted) rather than lost with the queue.
  client = await WorkerClient.connect({
    url: AMQP_URL,
    exchange,
    topics: [TOPIC],
    timeoutMs: 30_000,
    workerExpiryMs: WORKER_EXPIRY_MS,
    log: (t) => engineLog.push(t),
  });
  expect(await client.waitForWorkers(2, 10_000)).toBe(true);
  scene = {
    exchange,
    topic: TOPIC,
    engineId: client.id,
    workerIds: [workers[0].id, workers[1].id],
    sinkKey: keys.client(`fuzz-sink-${randomUUID()}`),
  };
  noise = await AmqpNoise.open(AMQP_URL, exchange, [
    keys.client(client.id),
    keys.announce(TOPIC),
    keys.topic(TOPIC),
    keys.worker(workers[0].id),
    keys.worker(workers[1].id),
    scene.sinkKey,
  ]);
  real = new RealMessages(noise.recorded, scene);
}, 60_000);

afterAll(async () => {
  await client?.close();
  await Promise.all((workers ?? []).map((w) => w.kill()));
  await noise?.close(true);
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  rmSync(work, { recursive: true, force: true });
}, 30_000);

/** How a run ended, in the terms the property compares. */
interface RunOutcome {
  readonly flowState: string;
  readonly atoms: Record<string, unknown>;
  readonly values: Values;
  readonly failures: Record<string, string>;
  readonly raised: readonly string[] | null;
}

function raisedOf(err: unknown): string[] | null {
  if (err === undefined) return null;
  if (err instanceof WrappedFailure)
    return err.failures.map((f) => `${String(f.excTypeNames[0])}: ${f.exceptionStr}`).sort();
  return [err instanceof Error ? `${err.name}: ${err.message}` : JSON.stringify(err)];
}

let sides = 0;
/** Replayed finished requests whose answer from memory was checked. */
let sinkChecked = 0;

/** Runs the fuzz flow once; `during` is called while it runs and awaited before the outcome is read. */
async function runFlow(
  failing: boolean,
  during: (running: Promise<unknown>) => Promise<void> = async () => undefined,
): Promise<{
  outcome: RunOutcome;
  lines: Map<string, number>;
  expectedLines: ReadonlyMap<string, number>;
  ms: number;
}> {
  const { client } = ready();
  const side = join(work, `side-${String(sides++)}.txt`);
  writeFileSync(side, '');
  const { flow, atoms, expectedLines } = fuzzFlow(side, failing, WAVE);
  const engine = load(flow, { engine: 'worker-based', workers: { client } });
  const t0 = Date.now();
  const running = engine.run().then(
    () => undefined,
    (e: unknown) => e,
  );
  await during(running);
  const err = await running;
  const ms = Date.now() - t0;
  const failures: Record<string, string> = {};
  // Failure messages quote the command line, side file included: each run has its own.
  const unpath = (text: string): string => text.replaceAll(side, '<side>');
  for (const [name, f] of Object.entries(engine.storage.getExecuteFailures()))
    failures[name] = unpath(f.exceptionStr);
  const outcome: RunOutcome = {
    flowState: engine.storage.getFlowState(),
    atoms: engine.storage.getAtomsStates(atoms),
    // A failure's traceback depends on how the child process's end was noticed: compared without it.
    values: JSON.parse(
      unpath(
        JSON.stringify(engine.storage.fetchAll(), (k, v: unknown) => (k === 'tracebackStr' ? undefined : v)),
      ),
    ) as Values,
    failures,
    raised: raisedOf(err)?.map(unpath) ?? null,
  };
  return { outcome, lines: sideLines(side), expectedLines, ms };
}

const baselines = new Map<boolean, { outcome: RunOutcome; ms: number }>();

const dropped = (text: string): number =>
  text.split('\n').filter((l) => l.includes('dropped a message')).length;
const unhandledIn = (text: string): string[] =>
  text.split('\n').filter((l) => l.includes('could not be handled'));
/** A request a worker must refuse because it did not come by that worker's own routing key. */
function misaddressed(h: Hostile): boolean {
  if (h.where !== 'topic key' && h.where !== 'worker queue') return false;
  const parsed = parseMessage(h.body);
  return parsed.ok && parsed.message.type === 'request';
}
const alive = (w: TestWorker): boolean => w.process.exitCode === null && w.process.signalCode === null;

/** What was published over the whole fuzz, for the report. */
const tally = {
  total: 0,
  duringRun: 0,
  invalid: 0,
  valid: 0,
  withLyingProperties: 0,
  byKind: new Map<string, number>(),
  byQueue: new Map<string, number>(),
};
const bump = (m: Map<string, number>, k: string): void => {
  m.set(k, (m.get(k) ?? 0) + 1);
};

/**
 * Publishes `list` spread over about `spreadMs`, materialising each from what has been heard by then;
 * counts those that went out while `running()`.
 */
async function publish(
  list: readonly Hostility[],
  spreadMs: number,
  running: () => boolean,
): Promise<Hostile[]> {
  const { noise, scene, real } = ready();
  real.nextRun();
  const sent: Hostile[] = [];
  const perTick = Math.max(1, Math.ceil((list.length * TICK_MS) / spreadMs));
  for (let i = 0; i < list.length; i += perTick) {
    real.update();
    for (const { recipe, props } of list.slice(i, i + perTick)) {
      const h = materialise(recipe, real, scene, tally.total);
      noise.send(h.to, h.body, props ?? {});
      sent.push(h);
      if (running()) tally.duringRun++;
      tally.total++;
      tally[h.intended]++;
      if (props) tally.withLyingProperties++;
      bump(tally.byKind, `${h.kind}${h.detail ? ` (${h.detail.replace(/\..*/, '')})` : ''}`);
      bump(tally.byQueue, h.where);
    }
    await sleep(TICK_MS);
  }
  await noise.flush();
  return sent;
}

describe('AMQP boundary fuzz: hostile messages during real worker-based runs', () => {
  it('without noise, the flow ends as its definition says (the baselines)', { timeout: 60_000 }, async () => {
    // Both at once (they share the client and the workers, each with its own side file): half the wait.
    const runs = await Promise.all([false, true].map((failing) => runFlow(failing)));
    for (const [i, failing] of [false, true].entries()) {
      const { outcome, lines, expectedLines, ms } = runs[i] as Awaited<ReturnType<typeof runFlow>>;
      expect(outcome.flowState, JSON.stringify({ raised: outcome.raised, log: engineLog })).toBe(
        failing ? 'REVERTED' : 'SUCCESS',
      );
      expect(Object.fromEntries(lines)).toEqual(Object.fromEntries(expectedLines));
      if (failing) expect(outcome.raised?.join('\n')).toContain('planned failure of doom');
      else expect(outcome.raised).toBeNull();
      baselines.set(failing, { outcome, ms });
    }
  });

  it(
    'under noise each run ends as without it, nothing runs twice, every bad message is dropped, nothing crashes',
    { timeout: RUNS * 40_000 + 30_000 },
    async () => {
      const { workers, noise, scene } = ready();
      const t0 = Date.now();
      let iteration = 0;
      await fc.assert(
        fc.asyncProperty(hostilities(PER_RUN), async (list) => {
          // Both variants, in turn: a run that succeeds after retries and reverts, and one that reverts entirely.
          const failing = iteration++ % 2 === 1;
          const baseline = baselines.get(failing);
          if (!baseline) throw new Error('the baselines did not run');
          const before = {
            engine: dropped(engineLog.join('\n')),
            0: dropped(workers[0].stderr()),
            1: dropped(workers[1].stderr()),
          };
          let sent: Hostile[] = [];
          const { outcome, lines, expectedLines } = await runFlow(failing, async (running) => {
            let done = false;
            void running.then(() => (done = true));
            sent = await publish(list, Math.max(1000, baseline.ms * 0.6), () => !done);
          });

          // Each message is what its recipe meant: invalid ones refused by the protocol, the others accepted.
          const misjudged = sent.filter((h) => parseMessage(h.body).ok !== (h.intended === 'valid'));
          expect(
            misjudged.map((h) => `${h.kind} ${h.detail}: ${h.body.subarray(0, 300).toString()}`),
          ).toEqual([]);

          // The run ended exactly as without noise, and every task ran as often as the flow says.
          expect(outcome).toEqual(baseline.outcome);
          expect(Object.fromEntries(lines)).toEqual(Object.fromEntries(expectedLines));

          // Every invalid message was dropped, once by each consumer it reached, and said so.
          const expected = { engine: before.engine, 0: before[0], 1: before[1] };
          // Valid requests that came by the topic or straight to a queue are refused (no engine sends them so).
          for (const h of sent)
            if (h.intended === 'invalid' || misaddressed(h)) for (const c of h.consumers) expected[c]++;
          const now = (): Record<Consumer, number> => ({
            engine: dropped(engineLog.join('\n')),
            0: dropped(workers[0].stderr()),
            1: dropped(workers[1].stderr()),
          });
          await waitFor(
            () => {
              const n = now();
              return n.engine >= expected.engine && n[0] >= expected[0] && n[1] >= expected[1];
            },
            15_000,
            `the drop warnings (expected ${JSON.stringify(expected)}, have ${JSON.stringify(now())})`,
          );
          await sleep(100);
          expect(now()).toEqual(expected);
          expect(unhandledIn(engineLog.join('\n'))).toEqual([]);
          for (const w of workers) expect(unhandledIn(w.stderr())).toEqual([]);

          // A finished request replayed with its reply-to redirected to us: its original final answer, byte
          // for byte, and nothing else (a `running` would be a second start). Ids also redirected before they
          // finished are left out: `running` is the right answer then.
          const early = new Set(sent.flatMap((h) => (h.toSink && !h.toSink.final ? [h.toSink.id] : [])));
          const checked = new Map<string, Buffer>();
          for (const h of sent)
            if (h.toSink?.final && !early.has(h.toSink.id)) checked.set(h.toSink.id, h.toSink.final);
          await waitFor(
            () =>
              [...checked.keys()].every((id) =>
                noise.recorded.some(
                  (r) => r.key === scene.sinkKey && r.message.type === 'response' && r.message.id === id,
                ),
              ),
            5000,
            'the answers to the replayed requests',
          );
          const atSink = noise.recorded.filter(
            (r) => r.key === scene.sinkKey && r.message.type === 'response',
          );
          for (const [id, final] of checked) {
            const answers = atSink.filter((a) => a.message.type === 'response' && a.message.id === id);
            for (const a of answers)
              expect(a.body.equals(final), `an answer to the replayed ${id}: ${a.body.toString()}`).toBe(
                true,
              );
          }
          sinkChecked += checked.size;

          expect(workers.every(alive)).toBe(true);
          expect(unhandled).toEqual([]);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      const kinds = Object.fromEntries([...tally.byKind].sort());
      const queues = Object.fromEntries([...tally.byQueue].sort());
      report('fuzz-amqp', {
        runs: RUNS,
        hostile: tally.total,
        invalid: tally.invalid,
        valid: tally.valid,
        lyingProperties: tally.withLyingProperties,
        answeredFromMemory: sinkChecked,
        duringRuns: tally.duringRun,
        wallMs: Date.now() - t0,
      });
      console.log(`[hardening] fuzz-amqp by queue: ${JSON.stringify(queues)}`);
      console.log(`[hardening] fuzz-amqp by kind: ${JSON.stringify(kinds)}`);
      expect(tally.total).toBe(RUNS * PER_RUN);
      // The noise must overlap the runs, or this tests idle workers: most of it goes out while one is on.
      expect(tally.duringRun / tally.total).toBeGreaterThan(0.5);
      if (FULL) expect(tally.total).toBeGreaterThanOrEqual(10_000);
    },
  );

  it('afterwards the same workers serve a clean run, and stop cleanly', { timeout: 60_000 }, async () => {
    const { workers } = ready();
    const { outcome, lines, expectedLines } = await runFlow(false);
    expect(outcome).toEqual(baselines.get(false)?.outcome);
    expect(Object.fromEntries(lines)).toEqual(Object.fromEntries(expectedLines));
    expect(await Promise.all(workers.map((w) => w.stop()))).toEqual([0, 0]);
    expect(unhandled).toEqual([]);
  });
});
