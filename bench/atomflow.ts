/**
 * Atomflow's side, seen from the parent: each measurement runs in a fresh
 * child process (run-workload.ts) and this module collects its reply.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildRequest } from './run-workload.js';
import { summarize, type Summary } from './stats.js';

const CHILD = fileURLToPath(new URL('./run-workload.ts', import.meta.url));

/**
 * Runs the child with the same Node and loader flags as this process (tsx's
 * hooks are in `process.execArgv`). Its stderr (progress) passes through;
 * its stdout is the reply.
 */
function runChild(request: ChildRequest): Promise<ChildReply> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, CHILD, JSON.stringify(request)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || line === '') {
        reject(new Error(`Atomflow ${request.label}: child exited with code ${code}`));
        return;
      }
      resolve(JSON.parse(line) as ChildReply);
    });
  });
}

/** Atomflow's figures for one workload. */
export interface AtomflowFigures {
  figures: Summary;
  /** The part of each run spent in garbage collection, same unit. */
  gc: Summary;
  /** W4-sqlite: the limit measured beside each run (bench/commit-limit.ts), same unit. */
  limit?: Summary;
  /** W4-sqlite: SQLite commits per atom the engine made, and so the limit's loop. */
  commitsPerAtom?: number;
  /** Figures measured beside each run, by name (W2-cpu: `serial`, `other_cpu`, in s). */
  beside?: Record<string, Summary>;
  /** W6: how many tasks each worker ran, busiest first, one list per measured run. */
  tasksPerWorker?: number[][];
}

/** Measures a workload (warm-up runs, then `repeat` measured runs) in one fresh process. */
export async function measureAtomflow(request: Omit<ChildRequest, 'mode'>): Promise<AtomflowFigures> {
  process.stderr.write(`[atomflow] ${request.label}: ${request.warmup} warm-up + ${request.repeat} runs\n`);
  const reply = await runChild({ ...request, mode: 'time' });
  if (!('runs' in reply)) throw new Error(`Atomflow ${request.label}: unexpected reply`);
  return {
    figures: summarize(reply.runs),
    gc: summarize(reply.gc),
    ...(reply.limits ? { limit: summarize(reply.limits) } : {}),
    ...(reply.commitsPerAtom === undefined ? {} : { commitsPerAtom: reply.commitsPerAtom }),
    ...(reply.beside
      ? { beside: Object.fromEntries(Object.entries(reply.beside).map(([k, v]) => [k, summarize(v)])) }
      : {}),
    ...(reply.tasksPerWorker ? { tasksPerWorker: reply.tasksPerWorker } : {}),
  };
}

/** Peak RSS of one cold run per process, over `processes` fresh processes, in MiB. */
export interface RssFigures {
  peak: Summary;
  /** Peak RSS of the same processes before the run (Node, tsx and code loaded). */
  baseline: Summary;
}

/**
 * Measures peak RSS (`process.resourceUsage().maxRSS`) of one run of a job,
 * each in its own fresh process, like TaskFlow's `/usr/bin/time -v` figure.
 */
export async function measureAtomflowRss(
  request: Omit<ChildRequest, 'mode' | 'repeat' | 'warmup'>,
  processes: number,
): Promise<RssFigures> {
  process.stderr.write(`[atomflow] ${request.label}: peak RSS, ${processes} fresh processes\n`);
  const peaks: number[] = [];
  const baselines: number[] = [];
  for (let i = 0; i < processes; i++) {
    const reply = await runChild({ ...request, mode: 'rss', repeat: 1, warmup: 0 });
    if (!('maxRssKiB' in reply)) throw new Error(`Atomflow ${request.label}: unexpected reply`);
    peaks.push(reply.maxRssKiB / 1024);
    baselines.push(reply.baselineRssKiB / 1024);
    process.stderr.write(
      `  [atomflow] ${request.label} process ${i + 1}/${processes}: peak ${(reply.maxRssKiB / 1024).toFixed(1)} MiB\n`,
    );
  }
  return { peak: summarize(peaks), baseline: summarize(baselines) };
}
