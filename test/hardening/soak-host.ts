/**
 * The host process of the soak test: `atomflow serve` itself (the CLI's
 * `main(['serve', …])`, run through tsx as `bin/atomflow.mjs` runs it), plus
 * one test-only side channel: the IPC channel its parent opened. On a
 * `measure` message it forces a garbage collection, lets the process settle,
 * and answers with what a leak would make grow: heap used, RSS, open file
 * descriptors and child processes. Nothing of this is a production endpoint.
 *
 *   node --expose-gc --import tsx test/hardening/soak-host.ts --db FILE
 *
 * Stops on SIGTERM as `atomflow serve` does, and exits with its status.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessPool } from '../../engine/index.js';
import { main } from '../../main/cli/main.js';
import type { HostMeasurement, MeasureRequest } from './soak-measure.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('soak-host needs --expose-gc');
if (!process.send) throw new Error('soak-host needs an IPC channel to its parent');

/** The processes whose parent is this one, from /proc/PID/stat (`pid (comm) state ppid …`). */
function childProcesses(): { pid: number; command: string }[] {
  const out: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    // The command may contain spaces and parentheses: the fields after it start at the last ')'.
    const close = stat.lastIndexOf(')');
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    if (ppid === process.pid)
      out.push({ pid: Number(entry), command: stat.slice(stat.indexOf('(') + 1, close) });
  }
  return out;
}

/** How often the RSS is sampled while the host settles, and when it counts as settled. */
const SAMPLE_MS = 250;
const STEADY_BYTES = 512 * 1024;

/**
 * RSS once the host has settled. Right after a collection RSS still holds
 * pages the collector and the allocator hand back in the background over the
 * next second or two (tens of MB here, more on a loaded machine); a leak raises
 * the floor RSS comes back to. So: collect, then sample every
 * {@link SAMPLE_MS} until two samples agree within {@link STEADY_BYTES} (or
 * `maxMs` is up), and take the lowest seen.
 */
async function settledRss(maxMs: number): Promise<number> {
  let lowest = process.memoryUsage.rss();
  let previous = lowest;
  for (let waited = 0; waited < maxMs; waited += SAMPLE_MS) {
    await sleep(SAMPLE_MS);
    gc?.();
    const now = process.memoryUsage.rss();
    lowest = Math.min(lowest, now);
    if (Math.abs(now - previous) < STEADY_BYTES && waited >= SAMPLE_MS) break;
    previous = now;
  }
  return lowest;
}

async function measure(request: MeasureRequest): Promise<HostMeasurement> {
  // Finalizers, weak callbacks and sockets closing in the background get their turn between the
  // collections, so what is left is what the process really holds.
  gc?.();
  const rss = await settledRss(request.settleMs);
  gc?.();
  return {
    heapUsed: process.memoryUsage().heapUsed,
    rss,
    // The listing's own descriptor is among them, every time alike.
    fds: readdirSync('/proc/self/fd').length,
    children: childProcesses(),
    // Asked only of the parallel engine's host: `shared()` makes the pool object when there is none.
    ...(request.pool === true
      ? { pool: { size: ProcessPool.shared().size, spawned: ProcessPool.shared().spawned } }
      : {}),
  };
}

process.on('message', (raw) => {
  const request = raw as MeasureRequest;
  if (request.type !== 'measure') return;
  void measure(request).then(
    (m) => process.send?.({ type: 'measurement', id: request.id, ...m }),
    (e: unknown) => process.send?.({ type: 'measurement', id: request.id, error: String(e) }),
  );
});
// The channel must not keep the host alive once `serve` has stopped.
process.channel?.unref();

const dbAt = process.argv.indexOf('--db');
const db = dbAt >= 0 ? process.argv[dbAt + 1] : undefined;
if (db === undefined) throw new Error('soak-host needs --db FILE');
const code = await main(['serve', '--db', db, '--port', '0', '--json']);
process.exitCode = code;
// As bin/atomflow.mjs: leftovers (an idle pool, the IPC channel) must not hold the exit status hostage.
setTimeout(() => process.exit(code), 200).unref();
