/**
 * Command-line options of `npm run bench`. Node's own `util.parseArgs` covers
 * these few flags, so the benchmark adds no dependency for them.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** What the user asked for. */
export interface Options {
  json: boolean;
  repeat: number;
  warmup: number;
  /** Atomflow also warms up until at least this many atoms have run (V8 compiles hot code after a while). */
  warmupAtoms: number;
  taskflow: boolean;
  quick: boolean;
  peerDir: string;
  /** `--only`: workload ids (or prefixes, see only.ts) to run; null runs them all. */
  only: string[] | null;
}

/** The peer scripts live next to the repository, in ../shared/peer/taskflow. */
const DEFAULT_PEER_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../shared/peer/taskflow');

export const USAGE = `Usage: npm run bench -- [options]

Measures Atomflow's engine and, in the same run, OpenStack TaskFlow on the same
workloads (peer scripts run with /usr/bin/python3), then prints both side by side.

Options:
  --json            one JSON object per workload on stdout (progress stays on stderr)
  --repeat R        measured runs per workload (default 5)
  --warmup W        unmeasured warm-up runs before them (default 1, as TaskFlow's scripts)
  --warmup-atoms A  Atomflow warms up for at least A atoms, e.g. 200 runs at N=100 (default 20000;
                    V8 settles after ~15,000 atoms; CPython has no such phase)
  --no-taskflow     skip TaskFlow (its figures are null)
  --quick           small sizes, for a smoke check
  --only IDS        only these workloads, comma-separated ids or prefixes: e.g. W4 (every W4 row),
                    W4-sqlite,W4-history, W1-noop (also its peak RSS); a W4-sqlite row brings its limit;
                    W2 (W2-sleep, W2-noop, W2-cpu: the parallel engine), W6 (W6-noop, W6-sleep: the
                  worker-based engine; needs RabbitMQ at 127.0.0.1:5672)
  --peer-dir DIR    folder of the TaskFlow scripts (default ${DEFAULT_PEER_DIR})
  -h, --help        this text
`;

function count(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be a whole number ≥ ${min}, got '${text}'`);
  }
  return value;
}

function ids(text: string): string[] {
  const list = text
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (list.length === 0) throw new Error(`--only needs workload ids, e.g. --only W4-sqlite,W4-history`);
  return list;
}

/**
 * Parses the command line; returns null when help was asked for.
 *
 * @throws Error on an unknown option or a bad number, with a message for the user.
 */
export function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      repeat: { type: 'string' },
      warmup: { type: 'string' },
      'warmup-atoms': { type: 'string' },
      'no-taskflow': { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'peer-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  return {
    json: values.json,
    // At least 1 so there is a median; fewer than 5 only when the user asks, and then it says so.
    repeat: count('repeat', values.repeat, 5, 1),
    warmup: count('warmup', values.warmup, 1, 0),
    warmupAtoms: count('warmup-atoms', values['warmup-atoms'], 20_000, 0),
    taskflow: !values['no-taskflow'],
    quick: values.quick,
    peerDir: resolve(values['peer-dir'] ?? DEFAULT_PEER_DIR),
    only: values.only === undefined ? null : ids(values.only),
  };
}
