/** `atomflow show RUN_ID`: one run in full: atoms, timings, failures, logs, values. */
import { RunService, type RunView } from '../../../app/runs/index.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatDuration, formatTime, formatValue, table } from '../output/format.js';

/** Options of `atomflow show`. */
export interface ShowCommandOptions {
  readonly db?: string;
  readonly json?: boolean;
}

/** The human form of a run. */
export function describeRun(view: RunView): string[] {
  const lines: string[] = [];
  lines.push(`Run ${view.id}: flow '${view.flow}'${view.file !== undefined ? ` from ${view.file}` : ''}`);
  lines.push(`  state     ${view.state}`);
  lines.push(`  engine    ${view.engine ?? 'unknown'}`);
  lines.push(`  created   ${formatTime(view.createdAt)}`);
  if (view.startedAt !== undefined) lines.push(`  started   ${formatTime(view.startedAt)}`);
  if (view.finishedAt !== undefined) lines.push(`  stopped   ${formatTime(view.finishedAt)}`);
  if (view.durationMs !== undefined) lines.push(`  took      ${formatDuration(view.durationMs)}`);
  const inputs = Object.entries(view.inputs);
  if (inputs.length > 0) {
    lines.push('', 'Inputs:');
    for (const [k, v] of inputs) lines.push(`  ${k} = ${formatValue(v)}`);
  }
  lines.push('', 'Atoms:');
  const rows = [['NAME', 'KIND', 'STATE', 'RUNS', 'TIME', 'RESULT'] as string[]];
  for (const a of view.atoms) {
    const outcome = a.failure
      ? `${a.failure.type}: ${a.failure.message}`
      : a.result !== undefined
        ? formatValue(a.result, 50)
        : '';
    rows.push([a.name, a.atom, a.state, String(a.executions), formatDuration(a.durationMs), outcome]);
  }
  for (const l of table(rows)) lines.push(`  ${l}`);
  if (view.failures.length > 0) {
    lines.push('', 'Failures:');
    for (const f of view.failures) lines.push(`  ${f.atom} (${f.phase}): ${f.type}: ${f.message}`);
  }
  if (view.logs.length > 0) {
    lines.push('', 'Output:');
    for (const l of view.logs) {
      const text = l.text.endsWith('\n') ? l.text.slice(0, -1) : l.text;
      for (const t of text.split('\n')) lines.push(`  ${l.name} ${l.stream === 'stderr' ? '!' : '|'} ${t}`);
    }
  }
  if (view.results && Object.keys(view.results).length > 0) {
    lines.push('', 'Values:');
    for (const [k, v] of Object.entries(view.results)) lines.push(`  ${k} = ${formatValue(v)}`);
  }
  return lines;
}

export async function showCommand(runId: string, options: ShowCommandOptions): Promise<ExitCode> {
  const service = new RunService({ db: options.db });
  try {
    const view = service.getRun(runId);
    if (options.json) process.stdout.write(`${JSON.stringify(view)}\n`);
    else for (const l of describeRun(view)) process.stdout.write(`${l}\n`);
    return EXIT.ok;
  } finally {
    await service.close();
  }
}
