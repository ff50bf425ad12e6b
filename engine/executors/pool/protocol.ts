/**
 * The messages between the engine and its pool processes, validated on both
 * sides: a pool process is another program, and what it sends is input.
 * Values (arguments, results) travel with Node's structured-clone IPC;
 * failures travel as {@link FailureDict}s.
 */
import { z } from 'zod';
import { Failure, type FailureDict } from '../../failure.js';

const failureDict = z.custom<FailureDict>(
  (v) => {
    try {
      Failure.validate(v);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'not a failure dict' },
);

const taskRef = z.object({
  module: z.string().min(1),
  export: z.string().min(1),
  args: z.array(z.unknown()).optional(),
});

/** Engine → pool process. */
export const toWorker = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run'),
    id: z.number().int().nonnegative(),
    action: z.enum(['execute', 'revert']),
    ref: taskRef,
    name: z.string(),
    uuid: z.string(),
    args: z.record(z.string(), z.unknown()),
    attempt: z.number().int().min(1),
    /** Revert: the execute result (when it succeeded)... */
    result: z.unknown().optional(),
    /** ...or its failure. */
    resultFailure: failureDict.optional(),
    failures: z.record(z.string(), failureDict).optional(),
  }),
  z.object({ type: z.literal('stop') }),
]);
export type ToWorker = z.infer<typeof toWorker>;
export type RunMessage = Extract<ToWorker, { type: 'run' }>;

/** Pool process → engine. */
export const fromWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  /** The task is rebuilt and its execute or revert begins: its time limit counts from here. */
  z.object({ type: z.literal('started'), id: z.number().int() }),
  z.object({
    type: z.literal('progress'),
    id: z.number().int(),
    progress: z.number().min(0).max(1),
    details: z.record(z.string(), z.unknown()),
  }),
  z.object({
    type: z.literal('log'),
    id: z.number().int(),
    stream: z.enum(['stdout', 'stderr']),
    text: z.string(),
  }),
  z.object({
    type: z.literal('done'),
    id: z.number().int(),
    result: z.unknown().optional(),
    failure: failureDict.optional(),
  }),
]);
export type FromWorker = z.infer<typeof fromWorker>;
