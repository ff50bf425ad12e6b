/**
 * Following a run to its end (`run` and `resume`): its events go to the
 * chosen reporter, Ctrl-C suspends it (a second Ctrl-C quits at once), and
 * the end state becomes the exit status.
 */
import type { RunEndEvent, RunEvent, RunService } from '../../../app/runs/index.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { JsonLinesReporter } from '../output/json-lines.js';
import { LiveReporter } from '../output/live.js';
import { formatDuration } from '../output/format.js';

/** How a run is shown. */
export interface FollowOptions {
  readonly json: boolean;
  /** The `--db` given, repeated in the hints printed. */
  readonly db: string | undefined;
}

/** The exit status of a run's end state. */
export function exitCodeOf(state: RunEndEvent['state']): ExitCode {
  if (state === 'SUCCESS') return EXIT.ok;
  if (state === 'SUSPENDED') return EXIT.suspended;
  return EXIT.failed;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * Starts (or resumes) a run with `begin`, which gets the listener to attach
 * before the run's first event, and follows it to its end.
 */
export async function follow(
  service: RunService,
  begin: (listener: (event: RunEvent) => void) => string,
  options: FollowOptions,
  describe: (runId: string) => { title: string; tasks: readonly string[] },
): Promise<ExitCode> {
  const out = (text: string): void => {
    process.stdout.write(text);
  };
  let reporter: JsonLinesReporter | LiveReporter | undefined;
  const early: RunEvent[] = [];
  let resolveEnd: (end: RunEndEvent) => void = () => undefined;
  const ended = new Promise<RunEndEvent>((resolve) => (resolveEnd = resolve));
  const listener = (event: RunEvent): void => {
    // Events of the first synchronous steps arrive before `begin` returns the id the header needs.
    if (reporter) reporter.event(event);
    else early.push(event);
    if (event.type === 'end') resolveEnd(event);
  };
  const runId = begin(listener);
  const dbHint = options.db !== undefined ? ` --db ${quote(options.db)}` : '';
  if (options.json) {
    reporter = new JsonLinesReporter(out);
  } else {
    const { title, tasks } = describe(runId);
    out(`${title}\nRun ${runId} (store: ${service.path})\n`);
    reporter = new LiveReporter({ write: out, isTTY: process.stdout.isTTY, stream: process.stdout }, tasks);
  }
  for (const e of early.splice(0)) reporter.event(e);

  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write(
        '\natomflow: suspending after the running tasks finish (press Ctrl-C again to quit at once)\n',
      );
      service.suspend(runId);
    } else {
      process.stderr.write(`\natomflow: quit; resume with: atomflow resume ${runId}${dbHint}\n`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onInterrupt);
  let end: RunEndEvent;
  try {
    end = await ended;
  } finally {
    process.off('SIGINT', onInterrupt);
    reporter.close();
  }

  if (options.json) {
    // stdout carries the JSON lines only; a person reading stderr still learns why.
    for (const f of end.failures)
      process.stderr.write(`atomflow: ${f.atom} (${f.phase}) failed: ${f.type}: ${f.message}\n`);
  } else {
    const view = service.getRun(runId);
    const took = view.durationMs !== undefined ? ` in ${formatDuration(view.durationMs)}` : '';
    if (end.state === 'SUSPENDED') {
      out(`SUSPENDED${took}. Resume with: atomflow resume ${runId}${dbHint}\n`);
    } else {
      out(`${end.state}${took}. Details: atomflow show ${runId}${dbHint}\n`);
    }
  }
  return exitCodeOf(end.state);
}
