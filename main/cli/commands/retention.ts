/**
 * `atomflow retention`: show or change the history retention settings kept
 * in the run store (the desktop app and the browser host use the same ones),
 * and `atomflow prune`: apply them now and say what was removed.
 */
import { RunService, type PruneReport, type RetentionSettings } from '../../../app/runs/index.js';
import { CliError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatBytes, formatDuration } from '../output/format.js';

/** Options of `atomflow retention` (`false`: the `--no-…` form, which clears that limit). */
export interface RetentionCommandOptions {
  readonly db?: string;
  readonly json?: boolean;
  readonly keepLast?: number | false;
  readonly maxAgeDays?: number | false;
  readonly off?: boolean;
  readonly applyNow?: boolean;
}

/** Options of `atomflow prune`. */
export interface PruneCommandOptions {
  readonly db?: string;
  readonly json?: boolean;
}

/** The settings in words. */
export function describeRetention(settings: RetentionSettings): string {
  const parts: string[] = [];
  if (settings.keepLast !== undefined) {
    parts.push(
      `keep the last ${String(settings.keepLast)} ended run${settings.keepLast === 1 ? '' : 's'} of each flow`,
    );
  }
  if (settings.maxAgeDays !== undefined) {
    parts.push(
      `delete ended runs older than ${String(settings.maxAgeDays)} day${settings.maxAgeDays === 1 ? '' : 's'}`,
    );
  }
  return parts.length === 0 ? 'off (every run is kept)' : parts.join('; ');
}

/** What a prune did, in one line. */
export function describePrune(report: PruneReport): string {
  const runs = `${String(report.runs)} run${report.runs === 1 ? '' : 's'}`;
  return (
    `Removed ${runs} and freed ${formatBytes(report.bytesFreed)} ` +
    `(${formatBytes(report.bytesBefore)} -> ${formatBytes(report.bytesAfter)}) in ${formatDuration(report.durationMs)}`
  );
}

/** The new settings the options ask for, or undefined when they change nothing. */
function changed(
  current: RetentionSettings,
  options: RetentionCommandOptions,
): RetentionSettings | undefined {
  const { keepLast, maxAgeDays, off } = options;
  if (off === true) {
    if (keepLast !== undefined || maxAgeDays !== undefined) {
      throw new CliError('--off cannot be given with --keep-last or --max-age-days (it clears both).');
    }
    return {};
  }
  if (keepLast === undefined && maxAgeDays === undefined) return undefined;
  const next = { ...current };
  if (keepLast === false) delete next.keepLast;
  else if (keepLast !== undefined) next.keepLast = keepLast;
  if (maxAgeDays === false) delete next.maxAgeDays;
  else if (maxAgeDays !== undefined) next.maxAgeDays = maxAgeDays;
  return next;
}

export async function retentionCommand(options: RetentionCommandOptions): Promise<ExitCode> {
  const service = new RunService({ db: options.db });
  try {
    const current = service.getRetention();
    const next = changed(current, options);
    const settings = next !== undefined ? service.setRetention(next) : current;
    const report = options.applyNow === true ? await service.prune() : undefined;
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ retention: settings, ...(report ? { pruned: report } : {}) })}\n`,
      );
      return EXIT.ok;
    }
    process.stdout.write(`History retention of ${service.path}: ${describeRetention(settings)}\n`);
    if (next !== undefined && report === undefined && Object.keys(settings).length > 0) {
      process.stdout.write(
        'Applied when a program opens the store and after each run; atomflow prune applies it now.\n',
      );
    }
    if (report) process.stdout.write(`${describePrune(report)}\n`);
    return EXIT.ok;
  } finally {
    await service.close();
  }
}

export async function pruneCommand(options: PruneCommandOptions): Promise<ExitCode> {
  const service = new RunService({ db: options.db });
  try {
    const settings = service.getRetention();
    const report = await service.prune();
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ retention: settings, pruned: report })}\n`);
    } else {
      process.stdout.write(`History retention of ${service.path}: ${describeRetention(settings)}\n`);
      process.stdout.write(`${describePrune(report)}\n`);
    }
    return EXIT.ok;
  } finally {
    await service.close();
  }
}
