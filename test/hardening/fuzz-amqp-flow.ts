/**
 * The flow the AMQP fuzz runs on real workers while it publishes noise: two
 * waves of tasks with sleeps (so the run lasts), a subflow a `Times` retry
 * runs twice (its second task fails once), a subflow a `ForEach` retry runs
 * three times (its task fails twice), and, in the failing variant, a last
 * task that always fails so the whole run reverts.
 *
 * Every task is a catalog `shell` task (the test workers offer `shell`): its
 * execute appends `exec <name>` to a side file, its revert `revert <name>`.
 * A task that must fail the first n times counts its own earlier `exec`
 * lines in that file, so the side file is both the record of what ran and
 * the state that decides the flaky tasks: a task executed twice by a replay
 * shows up as an extra line and changes what follows.
 */
import { readFileSync } from 'node:fs';
import { createTask } from '../../app/catalog/index.js';
import { ForEach, Times, linear, unordered, type LinearFlow, type Task } from '../../engine/index.js';

/**
 * `$1` name, `$2` side file, `$3` seconds to sleep, `$4` how many executions fail first.
 * The earlier executions are counted before this one is written down.
 */
const EXECUTE =
  'n=$(grep -cxF "exec $1" "$2"); printf \'exec %s\\n\' "$1" >> "$2"; echo "$1"; sleep "$3"; ' +
  'if [ "$n" -lt "$4" ]; then echo "planned failure of $1 (execution $n)" >&2; exit 3; fi';
const REVERT = 'printf \'revert %s\\n\' "$1" >> "$2"';

/** Fails every time. */
const ALWAYS = 1_000_000;

function shellTask(name: string, side: string, seconds: number, failFirst = 0): Task {
  return createTask({
    type: 'task',
    name,
    kind: 'shell',
    provides: name,
    config: {
      command: EXECUTE,
      args: [name, side, String(seconds), String(failFirst)],
      shell: true,
      revert: { command: REVERT, args: [name, side], shell: true },
    },
  });
}

/** A built fuzz flow: the flow, the names of its atoms, and what its side file must hold after a run. */
export interface FuzzFlow {
  readonly flow: LinearFlow;
  /** Every atom (tasks and retry controllers), for reading their states. */
  readonly atoms: readonly string[];
  /** `exec <task>` / `revert <task>` → how many such lines a run writes, from the definition. */
  readonly expectedLines: ReadonlyMap<string, number>;
}

/**
 * The flow, writing to `side`. `wave` tasks in each wave; `failing` adds the
 * task that always fails, so the run ends REVERTED instead of SUCCESS.
 */
export function fuzzFlow(side: string, failing: boolean, wave: number): FuzzFlow {
  const pad = (i: number): string => String(i + 1).padStart(2, '0');
  const wave1 = Array.from({ length: wave }, (_, i) => `w1-${pad(i)}`);
  const wave2 = Array.from({ length: wave }, (_, i) => `w2-${pad(i)}`);
  const flow = linear('fuzz-run').add(
    unordered('wave1').add(...wave1.map((n) => shellTask(n, side, 0.15))),
    linear('retried', new Times(3, { name: 'retried-times' })).add(
      shellTask('prep', side, 0.05),
      shellTask('flaky', side, 0.05, 1),
    ),
    linear('tries', new ForEach(['a', 'b', 'c'], { name: 'tries-each' })).add(
      shellTask('pick', side, 0.05, 2),
    ),
    unordered('wave2').add(...wave2.map((n) => shellTask(n, side, 0.3))),
  );
  if (failing) flow.add(shellTask('doom', side, 0, ALWAYS));

  const lines = new Map<string, number>();
  const add = (line: string, n: number): void => {
    lines.set(line, (lines.get(line) ?? 0) + n);
  };
  for (const n of [...wave1, ...wave2]) add(`exec ${n}`, 1);
  // `flaky` fails once: the retry reverts the subflow (both tasks) and runs it again.
  add('exec prep', 2);
  add('exec flaky', 2);
  add('revert prep', 1);
  add('revert flaky', 1);
  // `pick` fails twice, each failure reverted, and succeeds with the third value.
  add('exec pick', 3);
  add('revert pick', 2);
  if (failing) {
    // `doom` fails with no retry around it: everything that ran is reverted, `doom` included.
    add('exec doom', 1);
    add('revert doom', 1);
    for (const n of [...wave1, ...wave2, 'prep', 'flaky', 'pick']) add(`revert ${n}`, 1);
  }
  const atoms = [...wave1, 'retried-times', 'prep', 'flaky', 'tries-each', 'pick', ...wave2];
  if (failing) atoms.push('doom');
  return { flow, atoms, expectedLines: lines };
}

/** The side file's lines, counted. */
export function sideLines(side: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of readFileSync(side, 'utf8').split('\n')) {
    if (line !== '') counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return counts;
}
