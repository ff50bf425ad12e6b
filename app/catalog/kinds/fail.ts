/** `fail`: fails on purpose, to show retries and reverts. */
import { z } from 'zod';
import { defineKind } from '../kind.js';

/** The error a `fail` task throws. */
export class IntendedFailure extends Error {
  override readonly name = 'IntendedFailure';
}

/**
 * Fails its first `failTimes` executions, then succeeds (providing the
 * number of that execution: `failTimes + 1`). Without `failTimes` it always fails.
 *
 * "First N" counts the executions of the task in its run (`ctx.attempt`):
 * retries count, and so does an execution lost to a crash before a resume;
 * it is the same count on any engine, wherever the task runs.
 */
export const fail = defineKind({
  kind: 'fail',
  description:
    'Fails with `message` on its first `failTimes` executions (always, without it), then succeeds.',
  configSchema: z.strictObject({
    message: z.string().default('Failed on purpose'),
    failTimes: z.number().int().min(0).optional(),
  }),
  execute: (config, _args, ctx) => {
    const n = ctx.attempt;
    if (config.failTimes === undefined || n <= config.failTimes) throw new IntendedFailure(config.message);
    return n;
  },
});
