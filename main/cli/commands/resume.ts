/** `atomflow resume RUN_ID`: continues a suspended or crashed run and follows it to its end. */
import { RunService } from '../../../app/runs/index.js';
import type { ExitCode } from '../exit-codes.js';
import { follow } from './follow.js';

/** Options of `atomflow resume`. */
export interface ResumeCommandOptions {
  readonly db?: string;
  readonly json?: boolean;
  readonly force?: boolean;
  readonly amqp?: string;
}

export async function resumeCommand(runId: string, options: ResumeCommandOptions): Promise<ExitCode> {
  const service = new RunService({ db: options.db });
  try {
    return await follow(
      service,
      (listener) =>
        service.resume(
          runId,
          { force: options.force === true, ...(options.amqp !== undefined ? { url: options.amqp } : {}) },
          listener,
        ),
      { json: options.json === true, db: options.db },
      (id) => {
        const view = service.getRun(id);
        return {
          title: `Resuming '${view.flow}'${view.file !== undefined ? ` from ${view.file}` : ''} on the ${view.engine ?? 'serial'} engine`,
          tasks: view.atoms.filter((a) => a.atom === 'task').map((a) => a.name),
        };
      },
    );
  } finally {
    await service.close();
  }
}
