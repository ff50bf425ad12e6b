/**
 * The flow document of the crash-resume test on every engine, shared by the
 * test and the host process it kills.
 *
 * Its tasks are the catalog's `script` and `shell` kinds, which every engine
 * runs: in the host (serial), in a pool process or as a child of the host
 * (parallel: scripts go to the pool), or on a remote worker (worker-based).
 * Each task appends `x <name>` to the trial's side file when it executes and
 * `r <name>` when it reverts, wherever it runs, so effects can be counted
 * across a kill and a resume.
 *
 * A task can also be told to pause right after its effect: the test creates
 * `pause.<x|r>.<name>` in the trial folder; the first execution that finds it
 * takes it (an atomic rename, so a re-execution after the resume does not
 * pause again), creates `paused` and waits until `released` exists. The test
 * kills the host when `paused` appears and creates `released` as it does (a
 * shell task on a worker: once the resumed run has ended). A task the host
 * ran itself dies with it; a task on a worker goes on after the host is gone,
 * as it would on a real remote worker.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The two shapes of the run: one that succeeds, one whose last task fails so everything is reverted. */
export type Variant = 'success' | 'fail';

/** The task names, in flow order: a chain, an unordered group, a chain. */
export const TASKS = ['a0', 'a1', 'a2', 'a3', 'g0', 'g1', 'g2', 'g3', 'b0', 'b1', 'b2', 'b3'] as const;

/** The tasks of kind `shell` (the others are `script`s). */
export const SHELL_TASKS: ReadonlySet<string> = new Set(['a1', 'a3', 'g1', 'g3', 'b1', 'b3']);

/** The task that fails in the failing variant (the last one, so every other task has run and is reverted). */
export const FAILING_TASK = 'b3';

/** The message the failing task ends with (on stderr, which a shell failure's message carries). */
export const FAILURE_TEXT = `boom in ${FAILING_TASK}`;

/** Files of a trial folder. */
export const files = {
  side: (dir: string): string => join(dir, 'side.log'),
  pause: (dir: string, point: string): string => join(dir, `pause.${point}`),
  paused: (dir: string): string => join(dir, 'paused'),
  released: (dir: string): string => join(dir, 'released'),
};

/** Longest a paused task waits for `released` (only a test that died leaves it waiting). */
const PAUSE_CAP_MS = 20_000;

/**
 * The body of a shell task: `$1` is the task, `$2` is `x` or `r`. Effect
 * first, then the pause check, then the output (the task's result).
 */
const SHELL_BODY = [
  'echo "$2 $1" >> "$DIR/side.log"',
  'if mv "$DIR/pause.$2.$1" "$DIR/taken.$2.$1" 2>/dev/null; then',
  '  : > "$DIR/paused"',
  // Every `sleep` is a process: a slow poll, so a command held on a worker for a whole resume costs little.
  `  i=0; while [ ! -f "$DIR/released" ] && [ $i -lt ${String(PAUSE_CAP_MS / 50)} ]; do sleep 0.05; i=$((i+1)); done`,
  'fi',
  'printf %s "$1"',
].join('\n');

/**
 * The start of a script task's body. A script has no I/O on purpose (see
 * app/catalog/run-code.ts); the test reaches the host's `fs` through the
 * constructor of a host function it is given (`progress`): node:vm is not a
 * security boundary, and a side file written from inside the pool process or
 * the worker is the only honest record of where and how often the task ran.
 * It then pauses (blocking: a body has no timers) if told to.
 */
function scriptEffect(dir: string, kind: 'x' | 'r', name: string): string {
  return [
    "const fs = progress.constructor('return process')().getBuiltinModule('node:fs');",
    `const dir = ${JSON.stringify(dir)};`,
    `fs.appendFileSync(dir + '/side.log', ${JSON.stringify(`${kind} ${name}\n`)});`,
    'let took = true;',
    `try { fs.renameSync(dir + '/pause.${kind}.${name}', dir + '/taken.${kind}.${name}'); } catch { took = false; }`,
    'if (took) {',
    "  fs.writeFileSync(dir + '/paused', '');",
    '  const cell = new Int32Array(new SharedArrayBuffer(4));',
    `  const until = Date.now() + ${String(PAUSE_CAP_MS)};`,
    "  while (!fs.existsSync(dir + '/released') && Date.now() < until) Atomics.wait(cell, 0, 0, 5);",
    '}',
  ].join('\n');
}

function scriptTask(
  dir: string,
  name: string,
  requires: readonly string[],
  value: string,
): Record<string, unknown> {
  return {
    type: 'task',
    name,
    kind: 'script',
    ...(requires.length > 0 ? { requires: [...requires] } : {}),
    provides: `v_${name}`,
    config: {
      code: `${scriptEffect(dir, 'x', name)}\nreturn ${value};`,
      revertCode: scriptEffect(dir, 'r', name),
      // Above the pause cap: a paused body is never cut short by its own time limit.
      timeoutMs: PAUSE_CAP_MS + 10_000,
    },
  };
}

function shellTask(dir: string, name: string, fails: boolean): Record<string, unknown> {
  const command = (kind: 'x' | 'r', fail: boolean): Record<string, unknown> => ({
    command: fail ? `${SHELL_BODY}\necho "${FAILURE_TEXT}" >&2\nexit 3` : SHELL_BODY,
    args: [name, kind],
    shell: true,
    env: { DIR: dir },
  });
  return {
    type: 'task',
    name,
    kind: 'shell',
    provides: { [`o_${name}`]: 'stdout' },
    config: { ...command('x', fails), revert: command('r', false) },
  };
}

/**
 * The document of one trial, writing to `dir`: a chain a0..a3, an unordered
 * group g0..g3 that all follow a3, then a chain b0..b3 that joins the group's
 * values. Scripts and shells alternate, and the values the scripts compute
 * are passed on through the store, so a resume that lost one ends wrong.
 */
export function crashDocument(dir: string, variant: Variant): Record<string, unknown> {
  return {
    format: 'atomflow.flow/1',
    name: `crash-${variant}`,
    flow: {
      type: 'linear',
      name: 'crash',
      children: [
        scriptTask(dir, 'a0', [], '1'),
        shellTask(dir, 'a1', false),
        scriptTask(dir, 'a2', ['v_a0'], 'v_a0 + 1'),
        shellTask(dir, 'a3', false),
        {
          type: 'unordered',
          name: 'group',
          children: [
            scriptTask(dir, 'g0', ['v_a2'], 'v_a2 * 10'),
            shellTask(dir, 'g1', false),
            scriptTask(dir, 'g2', ['v_a2'], 'v_a2 * 100'),
            shellTask(dir, 'g3', false),
          ],
        },
        scriptTask(dir, 'b0', ['v_g0', 'v_g2', 'o_g1', 'o_g3'], 'v_g0 + v_g2 + (o_g1 + o_g3).length'),
        shellTask(dir, 'b1', false),
        scriptTask(dir, 'b2', ['v_b0', 'o_a1', 'o_a3', 'o_b1'], "v_b0 + ':' + [o_a1, o_a3, o_b1].join('')"),
        shellTask(dir, FAILING_TASK, variant === 'fail'),
      ],
    },
  };
}

/** What a successful run provides (checked against the reference runs, so neither can be vacuous). */
export const SUCCESS_RESULTS: Readonly<Record<string, unknown>> = {
  v_a0: 1,
  o_a1: 'a1',
  v_a2: 2,
  o_a3: 'a3',
  v_g0: 20,
  o_g1: 'g1',
  v_g2: 200,
  o_g3: 'g3',
  v_b0: 224,
  o_b1: 'b1',
  v_b2: '224:a1a3b1',
  o_b3: 'b3',
};

/** How many times each task's effect of `kind` (`x` execute, `r` revert) is in the side file of `dir`. */
export function effectCounts(dir: string, kind: 'x' | 'r'): Map<string, number> {
  const out = new Map<string, number>();
  const side = files.side(dir);
  if (!existsSync(side)) return out;
  for (const line of readFileSync(side, 'utf8').split('\n')) {
    const [k, name] = line.split(' ');
    if (k === kind && name) out.set(name, (out.get(name) ?? 0) + 1);
  }
  return out;
}
