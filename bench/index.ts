/**
 * `npm run bench`: Atomflow's engine against OpenStack TaskFlow 5.0.0 on the
 * workloads of ../shared/peer/taskflow/RESULTS.md, side by side, in one run.
 *
 * Order matters: every Atomflow measurement runs first, then TaskFlow's
 * scripts one after another, so that no two measurements share the CPU.
 */
import { atomCount } from './workloads.js';
import { measureAtomflow, measureAtomflowRss, type AtomflowFigures, type RssFigures } from './atomflow.js';
import { parseOptions, USAGE, type Options } from './options.js';
import { selectPlan } from './only.js';
import { comparisons, FULL, QUICK, type Comparison, type Sizes } from './plan.js';
import { jsonLine, preamble, rssSentence, table, targetLines, type Row } from './report.js';
import type { Summary } from './stats.js';
import {
  checkTaskflow,
  INSTALL_HINT,
  PYTHON,
  recordedRss,
  runPeer,
  type Availability,
  type PeerFigures,
  type RecordedRss,
} from './taskflow.js';
import { evaluateTargets } from './targets.js';
import { w2Sentences, withW2 } from './w2-rows.js';
import { w2Targets } from './w2-targets.js';
import { w4Sentences, withLimit } from './w4-rows.js';
import { checkBroker } from './w6-broker.js';
import { w6Sentences, withW6 } from './w6-rows.js';
import { w6Targets } from './w6-targets.js';

const log = (text: string): void => void process.stderr.write(`${text}\n`);

function label(c: Comparison): string {
  const variant = c.shape ?? c.query;
  return `${c.workload} n=${c.n}${variant ? ` (${variant})` : ''}`;
}

function missingMessage(availability: Availability): string | null {
  if (availability.ok || availability.reason.startsWith('skipped')) return null;
  return (
    `TaskFlow is MISSING: ${availability.reason}.\n` +
    `Install it with \`${INSTALL_HINT}\` (Debian; it installs into ${PYTHON}), then run \`npm run bench\` again.\n` +
    `Atomflow's figures follow; TaskFlow's are null.`
  );
}

/** Every Atomflow figure, each workload in a fresh child process, then peak RSS (unless left out). */
async function measureAllAtomflow(
  plan: readonly Comparison[],
  sizes: Sizes,
  options: Options,
  withRss: boolean,
): Promise<{ figures: Map<Comparison, AtomflowFigures>; rss: RssFigures | null }> {
  const figures = new Map<Comparison, AtomflowFigures>();
  for (const c of plan) {
    // Steady state, as a long-running host sees it: warm up until enough atoms have run.
    // A job that runs no atoms (a history page) warms up --warmup runs.
    const atoms = atomCount(c.atomflow);
    const warmup =
      atoms > 0 ? Math.max(options.warmup, Math.ceil(options.warmupAtoms / atoms)) : options.warmup;
    const request = { job: c.atomflow, repeat: options.repeat, warmup };
    figures.set(c, await measureAtomflow({ ...request, label: `${label(c)} [${c.unit}]` }));
  }
  const rss = withRss
    ? await measureAtomflowRss(
        { job: { kind: 'w1-noop', n: sizes.rssN }, label: `W1-noop n=${sizes.rssN}` },
        options.repeat,
      )
    : null;
  return { figures, rss };
}

/** TaskFlow's figures, one peer script at a time; a failed script leaves its row null and says why. */
async function measureAllTaskflow(
  plan: readonly Comparison[],
  options: Options,
): Promise<{ figures: Map<Comparison, PeerFigures>; failed: Map<Comparison, string> }> {
  const figures = new Map<Comparison, PeerFigures>();
  const failed = new Map<Comparison, string>();
  for (const c of plan) {
    if (!c.taskflow) continue;
    try {
      figures.set(c, await runPeer(options.peerDir, c.taskflow, options.repeat, options.warmup));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      failed.set(c, why);
      log(`[taskflow] ${label(c)} FAILED: ${why}`);
    }
  }
  return { figures, failed };
}

function toRow(c: Comparison, af: AtomflowFigures, tf: Summary | null, failure: string | undefined): Row {
  const note = c.taskflow
    ? failure
      ? `TaskFlow FAILED: ${failure}`
      : (c.note ?? (c.taskflowShape ? `TaskFlow: ${c.taskflowN} atoms (${c.taskflowShape})` : undefined))
    : c.why;
  return {
    workload: c.workload,
    n: c.n,
    ...(c.shape ? { shape: c.shape } : {}),
    engine: c.engine ?? 'serial',
    unit: c.unit,
    atomflow: af.figures,
    taskflow: tf,
    ratio: tf ? tf.median / af.figures.median : null,
    atomflow_gc: af.gc,
    ...(c.taskflowN !== undefined ? { taskflow_n: c.taskflowN } : {}),
    ...(c.taskflowShape ? { taskflow_shape: c.taskflowShape } : {}),
    ...(c.query ? { query: c.query } : {}),
    ...(c.backend ? { backend: c.backend } : {}),
    ...(c.synchronous ? { synchronous: c.synchronous } : {}),
    ...(af.commitsPerAtom !== undefined ? { commits_per_atom: af.commitsPerAtom } : {}),
    ...(note ? { note } : {}),
  };
}

/** The peak-RSS row; TaskFlow's side is its recorded figure (re-measuring it takes ~6 minutes). */
function rssRow(n: number, rss: RssFigures, recorded: RecordedRss | null): Row {
  const tf = recorded && { median: recorded.mib, min: recorded.mib, max: recorded.mib };
  return {
    workload: 'W1-noop-rss',
    n,
    engine: 'serial',
    unit: 'MiB',
    atomflow: rss.peak,
    taskflow: tf,
    ratio: tf ? tf.median / rss.peak.median : null,
    ...(recorded ? { taskflow_n: recorded.n, taskflow_source: recorded.source } : {}),
    atomflow_baseline: rss.baseline,
    note: `peak RSS of 1 cold run per process${recorded ? `; TaskFlow recorded, N=${recorded.n}` : ''}`,
  };
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
  const { json } = options;
  // In --json mode stdout carries the JSON lines only; everything else goes to stderr.
  const say = (text: string): void => void (json ? process.stderr : process.stdout).write(`${text}\n`);
  const sizes = options.quick ? QUICK : FULL;
  let selection: ReturnType<typeof selectPlan>;
  try {
    selection = selectPlan(comparisons(sizes), options.only);
  } catch (e) {
    log(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const broker = await checkBroker(selection.plan, options.peerDir);
  const { plan } = broker;
  if (broker.missing) {
    log(broker.missing);
    if (plan.length === 0 && !selection.rss) {
      process.exitCode = 1;
      return;
    }
  }

  const availability: Availability = options.taskflow
    ? checkTaskflow(options.peerDir)
    : { ok: false, reason: 'skipped (--no-taskflow)' };
  const missing = missingMessage(availability);
  if (missing) {
    log(missing);
    if (!json) say(`${missing}\n`);
  }
  if (options.repeat < 5)
    log(`Note: ${options.repeat} measured runs per workload, as asked (the default is 5).`);

  const atomflow = await measureAllAtomflow(plan, sizes, options, selection.rss);
  let taskflow: Awaited<ReturnType<typeof measureAllTaskflow>> = { figures: new Map(), failed: new Map() };
  if (availability.ok) {
    log(`[taskflow] TaskFlow ${availability.version}; at full size this takes several minutes.`);
    taskflow = await measureAllTaskflow(plan, options);
  }

  const rows = plan.flatMap((c) => {
    const af = atomflow.figures.get(c)!;
    const tf = taskflow.figures.get(c) ?? null;
    const row = toRow(c, af, tf, taskflow.failed.get(c));
    return withLimit(c, af, withW6(c, af, tf, withW2(c, af, tf, row)));
  });
  // Without TaskFlow every TaskFlow figure is null, the recorded one too; the table mode still quotes it.
  const recorded = recordedRss(options.peerDir);
  if (atomflow.rss) rows.push(rssRow(sizes.rssN, atomflow.rss, availability.ok ? recorded : null));
  // Targets on workloads left out by --only are not listed (they would only say n/a).
  const judged = [
    ...evaluateTargets(rows, sizes),
    ...w2Targets(rows, sizes),
    ...w6Targets(rows, sizes),
  ].filter((t) => t.ran);
  const targets = targetLines(judged);

  if (json) {
    for (const row of rows) process.stdout.write(`${jsonLine(row)}\n`);
    log(`\nTargets:\n${targets}`);
    return;
  }
  say(preamble(options, availability.ok ? availability.version : null));
  say(table(rows));
  if (atomflow.rss) say(`\n${rssSentence(sizes.rssN, atomflow.rss, options.repeat, recorded)}`);
  const w2 = w2Sentences(rows);
  if (w2) say(`\n${w2}`);
  const w4 = w4Sentences(rows);
  if (w4) say(`\n${w4}`);
  const w6 = w6Sentences(rows);
  if (w6) say(`\n${w6}`);
  say(`\nTargets${options.quick ? ' (at quick sizes: indicative only)' : ''}:\n${targets}`);
  // Repeated at the end, where the eye lands after a run of several minutes.
  if (missing) say(`\n${missing}`);
  if (broker.missing) say(`\n${broker.missing}`);
}

await main();
