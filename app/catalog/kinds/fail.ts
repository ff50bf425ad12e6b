/** `fail`: fails on purpose, to show retries and reverts. */
import { z } from 'zod';
import { defineKind } from '../kind.js';

/**
 * Executions so far, per task instance. The key is the config object, of
 * which `createTask` parses a fresh copy for every task it makes, so two
 * tasks never share a count and a dropped task takes its count with it.
 */
const executions = new WeakMap<object, number>();

/** The error a `fail` task throws. */
export class IntendedFailure extends Error {
  override readonly name = 'IntendedFailure';
}

/**
 * Fails its first `failTimes` executions, then succeeds (providing the
 * number of that execution: `failTimes + 1`). Without `failTimes` it always fails.
 *
 * "First N" counts the executions of one task object, that is of one
 * `buildFlow()` of the document in one process: retries within a run count,
 * and so do further runs of the same built flow. Resuming a run in a new
 * process builds a new task, whose count starts again at 0.
 */
export const fail = defineKind({
  kind: 'fail',
  description:
    'Fails with `message` on its first `failTimes` executions (always, without it), then succeeds.',
  configSchema: z.strictObject({
    message: z.string().default('Failed on purpose'),
    failTimes: z.number().int().min(0).optional(),
  }),
  execute: (config) => {
    const n = (executions.get(config) ?? 0) + 1;
    executions.set(config, n);
    if (config.failTimes === undefined || n <= config.failTimes) throw new IntendedFailure(config.message);
    return n;
  },
});
