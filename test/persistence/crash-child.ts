/**
 * The process the crash test kills. It runs (or resumes) the crash flow
 * persisted in a SQLite file.
 *
 * To be killed at a precise point it prints `PAUSED` and blocks; the test then
 * sends SIGKILL. Points: after the n-th flow/atom event (each event is emitted
 * after its transition was committed), or inside a task after its effect.
 *
 * Invoked as `node child.mjs '<json args>'`; prints `uuid <flow detail uuid>`
 * first and, if it gets to the end, one line `result <json>`.
 */
import { writeSync } from 'node:fs';
import { SqliteBackend, load, type Engine } from '../../engine/index.js';
import { buildFlow, type ChildArgs } from './crash-flow.js';

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
  const backend = new SqliteBackend(args.db);
  const flow = buildFlow(args.side, args.variant, args.pauseInside, args.spinMs);
  let engine: Engine;
  if (args.mode === 'run') {
    engine = load(flow, { backend });
  } else {
    engine = load(flow, { backend, flowDetail: backend.getFlowDetail(args.uuid ?? '') });
  }
  writeSync(1, `uuid ${engine.flowDetail.uuid}\n`);
  let events = 0;
  engine.notifier.on('*', (e) => {
    if (e.type === 'progress') return;
    events++;
    if (events === args.suspendAfterEvent) engine.suspend();
    if (events === args.pauseAfterEvent) {
      writeSync(1, 'PAUSED\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    }
  });
  let error: string | undefined;
  try {
    await engine.run();
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  const result = { state: engine.storage.getFlowState(), values: engine.storage.fetchAll(), error, events };
  backend.close();
  writeSync(1, `result ${JSON.stringify(result)}\n`);
}

await main();
