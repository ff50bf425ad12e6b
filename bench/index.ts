/**
 * `npm run bench`: Atomflow's engine against OpenStack TaskFlow 5.0.0 on the
 * workloads of ../shared/peer/taskflow/RESULTS.md, side by side, in one run.
 *
 * Order matters: every Atomflow measurement runs first, then TaskFlow's
 * scripts one after another, so that no two measurements share the CPU.
 */
import { cpus } from 'node:os';
import { measureAtomflow, measureAtomflowRss, type AtomflowFigures } from './atomflow.js';
import { shapeLabel } from './flows.js';
import { parseOptions, USAGE, type Options } from './options.js';
import { comparisons, FULL, QUICK, type Comparison } from './plan.js';
import { jsonLine, table, targetLines, type Row } from './report.js';
import type { Summary } from './stats.js';
import { checkTaskflow, INSTALL_HINT, PYTHON, recordedRss, runPeer, type Availability } from './taskflow.js';
import { evaluateTargets } from './targets.js';

const log = (text: string): void => void process.stderr.write(`${text}\n`);

function label(c: Comparison): string {
  return `${c.workload} n=${c.n}${c.shape ? ` (${c.shape})` : ''}`;
}

function taskflowAvailability(options: Options): Availability {
  if (!options.taskflow) return { ok: false, reason: 'skipped (--no-taskflow)' };
  return checkTaskflow(options.peerDir);
}

function missingMessage(availability: Availability): string | null {
  if (availability.ok || availability.reason.startsWith('skipped')) return null;
  return (
    `TaskFlow is MISSING: ${availability.reason}.\n` +
    `Install it with \`${INSTALL_HINT}\` (Debian; it installs into ${PYTHON}), then run \`npm run bench\` again.\n` +
    `Atomflow's figures follow; TaskFlow's are null.`
  );
}

async function main(): Promise<void> {
  let options: Options | null;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (e) {
    log(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (!options) {
    process.stdout.write(USAGE);
    return;
  }
  const sizes = options.quick ? QUICK : FULL;
  const plan = comparisons(sizes);
  // In --json mode stdout carries the JSON lines only; everything else goes to stderr.
  const say = (text: string): void =>
    void (options.json ? process.stderr : process.stdout).write(`${text}\n`);

  const availability = taskflowAvailability(options);
  const missing = missingMessage(availability);
  if (missing) {
    log(missing);
    if (!options.json) say(`${missing}\n`);
  }
  if (options.repeat < 5)
    log(`Note: ${options.repeat} measured runs per workload, as asked (the default is 5).`);

  // 1. Atomflow, each workload in a fresh child process.
  const atomflow = new Map<Comparison, AtomflowFigures>();
  for (const c of plan) {
    atomflow.set(
      c,
      await measureAtomflow({
        job: c.atomflow,
        repeat: options.repeat,
        warmup: options.warmup,
        label: `${label(c)} [${c.unit}]`,
      }),
    );
  }
  const rss = await measureAtomflowRss(
    { job: { kind: 'w1-noop', n: sizes.rssN }, label: `W1-noop n=${sizes.rssN}` },
    Math.max(options.repeat, 1),
  );

  // 2. TaskFlow, only now that nothing of Atomflow's is running.
  const taskflow = new Map<Comparison, Summary>();
  const failed = new Map<Comparison, string>();
  if (availability.ok) {
    log(
      `[taskflow] TaskFlow ${availability.version}; at full size this takes several minutes (W1 N=1000 ≈ 12 s per run).`,
    );
    for (const c of plan) {
      if (!c.taskflow) continue;
      try {
        taskflow.set(c, await runPeer(options.peerDir, c.taskflow, options.repeat, options.warmup));
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        failed.set(c, why);
        log(`[taskflow] ${label(c)} FAILED: ${why}`);
      }
    }
  }

  const rows: Row[] = plan.map((c) => {
    const af = atomflow.get(c)!;
    const tf = taskflow.get(c) ?? null;
    const note = c.taskflow
      ? (failed.get(c) ??
        (c.taskflowShape ? `TaskFlow: ${c.taskflowN} atoms (${c.taskflowShape})` : undefined))
      : c.why;
    return {
      workload: c.workload,
      n: c.n,
      ...(c.shape ? { shape: c.shape } : {}),
      engine: 'serial',
      unit: c.unit,
      atomflow: af.figures,
      taskflow: tf,
      ratio: tf ? tf.median / af.figures.median : null,
      atomflow_gc: af.gc,
      ...(c.taskflowN !== undefined ? { taskflow_n: c.taskflowN } : {}),
      ...(c.taskflowShape ? { taskflow_shape: c.taskflowShape } : {}),
      ...(note ? { note } : {}),
    };
  });
  // Without TaskFlow every TaskFlow figure is null, the recorded one too; the text below still quotes it.
  const recorded = recordedRss(options.peerDir);
  const tfRss: Summary | null =
    availability.ok && recorded ? { median: recorded.mib, min: recorded.mib, max: recorded.mib } : null;
  rows.push({
    workload: 'W1-noop-rss',
    n: sizes.rssN,
    engine: 'serial',
    unit: 'MiB',
    atomflow: rss.peak,
    taskflow: tfRss,
    ratio: tfRss ? tfRss.median / rss.peak.median : null,
    ...(tfRss && recorded ? { taskflow_n: recorded.n, taskflow_source: recorded.source } : {}),
    atomflow_baseline: rss.baseline,
    note: `peak RSS of 1 cold run per process${tfRss && recorded ? `; TaskFlow recorded, N=${recorded.n}` : ''}`,
  });

  const targets = targetLines(evaluateTargets(rows, sizes));
  if (options.json) {
    for (const row of rows) process.stdout.write(`${jsonLine(row)}\n`);
    log(`\nTargets:\n${targets}`);
    return;
  }
  const cpu = cpus();
  say(
    `Atomflow vs TaskFlow${availability.ok ? ` ${availability.version}` : ''}, serial engine${
      options.quick ? ' — QUICK sizes (smoke check, not the targets’ sizes)' : ''
    }`,
  );
  say(
    `median (min–max) of ${options.repeat} runs after ${options.warmup} warm-up runs; ` +
      'each workload in its own process; no forced GC between runs (see bench/run-workload.ts); ' +
      'Atomflow measured first, then TaskFlow',
  );
  say(
    `machine: ${cpu[0]?.model ?? '?'}, ${cpu.length} CPUs; Node ${process.version}; TaskFlow via ${PYTHON}`,
  );
  say(
    'us/atom: W1/W3 = build + load + compile + prepare + validate + run, per atom (TaskFlow total_us_per_task); ' +
      'W5 = failing task’s throw → run() rejects, per atom (revert_us_per_task); ' +
      'W3-compile = engine.compile(), total ms (compile_s); ' +
      'AF GC = median of the part of Atomflow’s figure spent in V8 GC pauses; TF/AF = TaskFlow median / Atomflow median\n',
  );
  if (options.warmup < 15) {
    say(
      `Note: V8's JIT takes ~15 runs to settle (W1-noop N=1000 falls from ~20 to ~1.1 us/atom); ` +
        `${options.warmup} warm-up runs leave Atomflow's figures partly cold. ` +
        'Steady state: npm run bench -- --no-taskflow --warmup 30\n',
    );
  }
  say(table(rows));
  say(
    `\nPeak RSS (W1-noop N=${sizes.rssN}): Atomflow ${rss.peak.median.toFixed(0)} MiB median over ${
      options.repeat
    } fresh processes, of which ${rss.baseline.median.toFixed(0)} MiB is Node + tsx + code before the run; ` +
      (recorded
        ? `TaskFlow ${recorded.mib.toFixed(0)} MiB (${(recorded.mib / 1024).toFixed(2)} GiB; recorded, N=${recorded.n}).`
        : 'TaskFlow: no recorded figure found.'),
  );
  say(`\nTargets${options.quick ? ' (at quick sizes: indicative only)' : ''}:\n${targets}`);
  if (sizes.w3AtomflowOnly) {
    say(
      `\n${shapeLabel(sizes.w3AtomflowOnly)} is run by Atomflow only: TaskFlow does not finish it (RESULTS.md).`,
    );
  }
}

await main();
