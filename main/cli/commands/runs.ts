/** `atomflow runs`: the run history, newest first, a page at a time. */
import { RunService, type RunFilters, type RunState } from '../../../app/runs/index.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatTime, table } from '../output/format.js';

/** Options of `atomflow runs`. */
export interface RunsCommandOptions {
  readonly db?: string;
  readonly json?: boolean;
  readonly state?: RunState | 'INTERRUPTED';
  readonly flow?: string;
  readonly engine?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export async function runsCommand(options: RunsCommandOptions): Promise<ExitCode> {
  const service = new RunService({ db: options.db });
  try {
    const filters: RunFilters = {
      limit: options.limit,
      ...(options.state !== undefined ? { state: options.state } : {}),
      ...(options.flow !== undefined ? { flow: options.flow } : {}),
      ...(options.engine !== undefined ? { engine: options.engine } : {}),
      ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
    };
    const page = service.listRuns(filters);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(page)}\n`);
      return EXIT.ok;
    }
    if (page.runs.length === 0) {
      process.stdout.write(`No runs in ${service.path}\n`);
    } else {
      const rows = [
        ['ID', 'FLOW', 'STATE', 'ENGINE', 'CREATED'],
        ...page.runs.map((r) => [
          r.id,
          r.flow,
          r.interrupted === true ? 'INTERRUPTED' : r.state,
          r.engine ?? '',
          formatTime(r.createdAt),
        ]),
      ];
      for (const line of table(rows)) process.stdout.write(`${line}\n`);
    }
    if (page.nextCursor !== undefined) {
      process.stdout.write(`More: atomflow runs --cursor ${page.nextCursor}\n`);
    }
    return EXIT.ok;
  } finally {
    await service.close();
  }
}
