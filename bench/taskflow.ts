/**
 * TaskFlow's side: the peer scripts in ../shared/peer/taskflow (see its
 * RESULTS.md), run on Debian's /usr/bin/python3 where python3-taskflow is
 * installed (the `python3` on PATH may be another interpreter without it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scale, type Summary } from './stats.js';

/** The interpreter the peer results were recorded with. */
export const PYTHON = '/usr/bin/python3';
/** How to get TaskFlow where it is missing. */
export const INSTALL_HINT = 'apt-get install -y python3-taskflow';

/** One invocation of a peer script and the figure to take from its JSON line. */
export interface PeerJob {
  /** Script file name inside the peer folder (or `dir`), e.g. `w1_linear.py`. */
  script: string;
  /**
   * Folder of a script that is not one of the peer's (bench/w2_cpu.py); it
   * still runs in the peer folder, whose helpers it imports.
   */
  dir?: string;
  /** Workload arguments (`--repeat` and `--warmup` are added). */
  args: string[];
  /** Key of `stats` in the script's JSON line, e.g. `total_us_per_task`. */
  metric: string;
  /** Factor from the metric's unit to the workload's (1000 for s → ms). */
  factor: number;
  /** More keys of `stats` to return as they are, unconverted (W2-cpu: TaskFlow's serial time and speed-ups). */
  also?: readonly string[];
  /**
   * Warm-up runs for this script whatever `--warmup` says, where the peer's
   * recorded command fixes it (W4 on SQLite: `--warmup 0`, each run ~1 min).
   */
  warmup?: number;
  /** At most this many measured runs whatever `--repeat` says (W6 under `--quick`: ~3 s per run). */
  maxRepeat?: number;
  /** Top-level keys of the JSON line to return as they are (W6: `tasks_per_worker_per_run`). */
  keep?: readonly string[];
}

/** TaskFlow's figure for a job, and the `also` metrics and `keep` keys it asked for (those the script reported). */
export interface PeerFigures extends Summary {
  also?: Record<string, Summary>;
  kept?: Record<string, unknown>;
}

/** Whether TaskFlow can be run here and, if not, why. */
export type Availability = { ok: true; version: string } | { ok: false; reason: string };

/**
 * Checks that the peer scripts exist and that `/usr/bin/python3 -c "import
 * taskflow"` succeeds.
 */
export function checkTaskflow(peerDir: string): Availability {
  if (!existsSync(join(peerDir, 'common.py'))) {
    return { ok: false, reason: `the peer TaskFlow scripts are not in ${peerDir} (pass --peer-dir)` };
  }
  // Importing taskflow.version imports taskflow, so this is the check the issue names, plus the version.
  const probe = spawnSync(PYTHON, ['-c', 'import taskflow.version as v; print(v.version_string())'], {
    encoding: 'utf8',
  });
  if (probe.error) return { ok: false, reason: `${PYTHON} could not be run (${probe.error.message})` };
  if (probe.status !== 0) {
    const last = probe.stderr.trim().split('\n').at(-1) ?? '';
    return { ok: false, reason: `${PYTHON} -c "import taskflow" failed: ${last}` };
  }
  return { ok: true, version: probe.stdout.trim() };
}

/**
 * Runs one peer script with `--repeat` (at most the job's `maxRepeat`) and
 * `--warmup` (the job's own warm-up when it has one), passes its progress
 * (stderr) through, and returns median/min/max of `metric` from the final
 * JSON line, converted by `factor` (and of the `also` metrics, as they are,
 * and the `keep` keys). Rejects if the script fails.
 */
export function runPeer(peerDir: string, job: PeerJob, repeat: number, warmup: number): Promise<PeerFigures> {
  const args = [
    join(job.dir ?? peerDir, job.script),
    ...job.args,
    '--repeat',
    String(Math.min(repeat, job.maxRepeat ?? repeat)),
    '--warmup',
    String(job.warmup ?? warmup),
  ];
  process.stderr.write(`[taskflow] ${PYTHON} ${job.script} ${args.slice(1).join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { cwd: peerDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    // The last line it printed on stderr: on a failure, usually the exception that says why.
    let lastErr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        process.stderr.write(`  [taskflow] ${line}\n`);
        lastErr = line.trim();
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || line === '') {
        reject(new Error(`${job.script} exited with code ${code}${lastErr ? `: ${lastErr}` : ''}`));
        return;
      }
      const parsed = JSON.parse(line) as { stats?: Record<string, Summary | undefined> } & Record<
        string,
        unknown
      >;
      const stat = parsed.stats?.[job.metric];
      if (!stat) {
        reject(new Error(`${job.script}: no stats.${job.metric} in its JSON line`));
        return;
      }
      const figures: PeerFigures = scale({ median: stat.median, min: stat.min, max: stat.max }, job.factor);
      const also: Record<string, Summary> = {};
      for (const key of job.also ?? []) {
        const s = parsed.stats?.[key];
        if (s) also[key] = { median: s.median, min: s.min, max: s.max };
      }
      const kept: Record<string, unknown> = {};
      for (const key of job.keep ?? []) if (key in parsed) kept[key] = parsed[key];
      resolve({ ...figures, ...(job.also ? { also } : {}), ...(job.keep ? { kept } : {}) });
    });
  });
}

/** TaskFlow's recorded peak RSS, which takes ~6 minutes to measure again. */
export interface RecordedRss {
  mib: number;
  n: number;
  source: string;
}

/**
 * Reads the recorded peak RSS of TaskFlow's W1-noop run at N=5000. The run's
 * JSON (results/w1_noop_n5000_rss.json) holds its timings and N but not the
 * RSS, which `/usr/bin/time -v` printed to a log that was not kept; RESULTS.md
 * quotes it ("3 142 848 kB max RSS"), so the figure is taken from there.
 * Returns null when either file is missing or does not say it.
 */
export function recordedRss(peerDir: string): RecordedRss | null {
  const jsonFile = join(peerDir, 'results', 'w1_noop_n5000_rss.json');
  const resultsFile = join(peerDir, 'RESULTS.md');
  if (!existsSync(jsonFile) || !existsSync(resultsFile)) return null;
  const run = JSON.parse(readFileSync(jsonFile, 'utf8')) as { params?: { n?: number } };
  const kib = /([\d ]+) kB max RSS/.exec(readFileSync(resultsFile, 'utf8'))?.[1];
  if (run.params?.n === undefined || kib === undefined) return null;
  return {
    mib: Number(kib.replaceAll(' ', '')) / 1024,
    n: run.params.n,
    source: 'recorded (/usr/bin/time -v, RESULTS.md; run in results/w1_noop_n5000_rss.json)',
  };
}
