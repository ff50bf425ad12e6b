/** `atomflow delete RUN_ID`: removes a run with its atoms and events. */
import { RunService } from '../../../app/runs/index.js';
import { EXIT, type ExitCode } from '../exit-codes.js';

/** Options of `atomflow delete`. */
export interface DeleteCommandOptions {
  readonly db?: string;
}

export async function deleteCommand(runId: string, options: DeleteCommandOptions): Promise<ExitCode> {
  const service = new RunService({ db: options.db });
  try {
    service.deleteRun(runId);
    process.stdout.write(`Deleted run ${runId}\n`);
    return EXIT.ok;
  } finally {
    await service.close();
  }
}
