/**
 * What a person sees while a run goes on: a line per task transition and per
 * line of task output, always; on a terminal also a live progress bar below
 * them (cli-progress).
 */
import cliProgress from 'cli-progress';
import type { RunEndEvent, RunEvent } from '../../../app/runs/index.js';
import { formatDuration, formatValue } from './format.js';

/** Where the live output goes. */
export interface LiveOutput {
  write(text: string): void;
  /** Whether that is a terminal (then a progress bar is drawn). */
  readonly isTTY: boolean;
  /** The stream the bar is drawn on. */
  readonly stream: NodeJS.WritableStream;
}

const MARKS: Partial<Record<string, string>> = {
  RUNNING: '▶',
  SUCCESS: '✔',
  FAILURE: '✖',
  REVERTING: '↶',
  REVERTED: '↺',
  REVERT_FAILURE: '✖',
  RETRYING: '⟳',
  IGNORE: '·',
};

/** Prints a run's events for a person. */
export class LiveReporter {
  private readonly started = new Map<string, number>();
  private readonly progress = new Map<string, number>();
  /** Tasks a decider skipped (the engine reports their progress as 0). */
  private readonly skipped = new Set<string>();
  private readonly width: number;
  private readonly multibar: cliProgress.MultiBar | undefined;
  private readonly bar: cliProgress.SingleBar | undefined;
  private flowState = 'PENDING';
  private stopped = false;

  /**
   * @param tasks - the names of the run's tasks (the bar counts their progress).
   */
  constructor(
    private readonly out: LiveOutput,
    private readonly tasks: readonly string[],
  ) {
    this.width = Math.min(24, Math.max(8, ...tasks.map((t) => t.length)));
    if (out.isTTY && tasks.length > 0) {
      this.multibar = new cliProgress.MultiBar(
        {
          stream: out.stream,
          format: ' {bar} {percentage}% | {done}/{total} tasks | {state}',
          hideCursor: true,
          clearOnComplete: false,
          stopOnComplete: false,
          barsize: 30,
          // Ctrl-C is the CLI's to handle (it suspends the run); the bar is stopped when the run stops.
          gracefulExit: false,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar = this.multibar.create(tasks.length, 0, { done: 0, state: 'starting' });
    }
  }

  private line(text: string): void {
    if (this.multibar) {
      this.multibar.log(`${text}\n`);
      this.redraw();
    } else {
      this.out.write(`${text}\n`);
    }
  }

  /**
   * Writes the logged lines above the bar and redraws it now, rather than at
   * the bar's next tick (which may never come for a short run).
   * `MultiBar.update()` is public in cli-progress 3 but missing from its types.
   */
  private redraw(): void {
    if (this.multibar && !this.stopped) (this.multibar as unknown as { update(): void }).update();
  }

  private stop(): void {
    if (!this.multibar || this.stopped) return;
    this.redraw();
    this.stopped = true;
    this.multibar.stop();
  }

  private updateBar(): void {
    if (!this.bar) return;
    let sum = 0;
    let done = 0;
    for (const t of this.tasks) {
      const p = this.skipped.has(t) ? 1 : (this.progress.get(t) ?? 0);
      sum += p;
      if (p >= 1) done += 1;
    }
    this.bar.update(sum, { done, state: this.flowState });
  }

  event(event: RunEvent): void {
    switch (event.type) {
      case 'flow':
        this.flowState = event.state;
        this.updateBar();
        return;
      case 'progress':
        this.progress.set(event.name, event.progress);
        this.updateBar();
        return;
      case 'log': {
        const text = event.text.endsWith('\n') ? event.text.slice(0, -1) : event.text;
        const tag = event.stream === 'stderr' ? '!' : '|';
        for (const l of text.split('\n')) this.line(`    ${event.name.padEnd(this.width)}  ${tag} ${l}`);
        return;
      }
      case 'atom':
        this.atom(event);
        return;
      case 'end':
        this.end(event);
        return;
    }
  }

  private atom(event: Extract<RunEvent, { type: 'atom' }>): void {
    const at = Date.parse(event.ts);
    if (event.state === 'PENDING' || event.state === 'REVERTING') {
      // A reset before a retry, or the start of a revert: the next line tells the outcome.
      if (event.state === 'PENDING') {
        this.progress.set(event.name, 0);
        this.skipped.delete(event.name);
      }
      this.updateBar();
      return;
    }
    // A retry controller runs and succeeds in no time before each attempt: only its decisions are news.
    if (event.atom === 'retry' && (event.state === 'RUNNING' || event.state === 'SUCCESS')) return;
    let detail = '';
    if (event.state === 'RUNNING') this.started.set(event.name, at);
    // A task a decider skipped is as done as one that ran.
    if (event.state === 'IGNORE') this.skipped.add(event.name);
    if (event.state === 'SUCCESS' || event.state === 'FAILURE') {
      const from = this.started.get(event.name);
      detail = from !== undefined ? formatDuration(at - from) : '';
    }
    if (event.failure)
      detail = `${detail ? `${detail}  ` : ''}${event.failure.type}: ${event.failure.message}`;
    const mark = MARKS[event.state] ?? ' ';
    this.line(`  ${mark} ${event.name.padEnd(this.width)}  ${event.state.padEnd(14)} ${detail}`.trimEnd());
    this.updateBar();
  }

  private end(event: RunEndEvent): void {
    this.flowState = event.state;
    this.updateBar();
    this.stop();
    for (const f of event.failures) {
      this.out.write(`  ${f.atom} (${f.phase}) failed: ${f.type}: ${f.message}\n`);
    }
    const names = Object.keys(event.results);
    if (names.length > 0) {
      this.out.write('Values:\n');
      for (const n of names) this.out.write(`  ${n} = ${formatValue(event.results[n])}\n`);
    }
  }

  close(): void {
    this.stop();
  }
}
