/**
 * Child process that measures one Atomflow workload and prints one JSON line
 * on stdout. Each workload gets a fresh process, as each peer TaskFlow script
 * does, so no workload inherits another's heap, garbage or JIT state, and so
 * peak RSS belongs to one run alone.
 *
 * Usage (spawned by atomflow.ts): run-workload.ts '<ChildRequest as JSON>'
 */
import { measureOnce, type AtomflowJob } from './workloads.js';

/** What the parent asks of a child. */
export interface ChildRequest {
  job: AtomflowJob;
  /** `time`: warm-up then measured runs; `rss`: one cold run, then peak RSS. */
  mode: 'time' | 'rss';
  repeat: number;
  warmup: number;
  /** Shown in progress lines. */
  label: string;
}

/** What a child prints: the measured figures, or the peak RSS of one run. */
export type ChildReply = { runs: number[] } | { maxRssKiB: number; baselineRssKiB: number };

// Spawned with --expose-gc; collecting before each run mirrors the peer's gc.collect().
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '') as ChildRequest;
  let reply: ChildReply;
  if (request.mode === 'rss') {
    // maxRSS so far is the cost of Node, tsx and the engine's code: reported so it can be subtracted.
    const baselineRssKiB = process.resourceUsage().maxRSS;
    await measureOnce(request.job);
    reply = { maxRssKiB: process.resourceUsage().maxRSS, baselineRssKiB };
  } else {
    for (let i = 0; i < request.warmup; i++) {
      collect();
      await measureOnce(request.job);
    }
    const runs: number[] = [];
    for (let i = 0; i < request.repeat; i++) {
      collect();
      const figure = await measureOnce(request.job);
      runs.push(figure);
      process.stderr.write(
        `  [atomflow] ${request.label} run ${i + 1}/${request.repeat}: ${figure.toPrecision(4)}\n`,
      );
    }
    reply = { runs };
  }
  process.stdout.write(`${JSON.stringify(reply)}\n`);
}

await main();
