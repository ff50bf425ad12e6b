/** The CLI's exit statuses, as the issue fixes them. */
export const EXIT = {
  /** The flow succeeded (or the command did what was asked). */
  ok: 0,
  /** The flow failed (reverted or not), or the run asked for does not exist or cannot do that. */
  failed: 1,
  /** Invalid input: a bad file, document, option or store; nothing was written. */
  invalid: 2,
  /** The run was suspended; `atomflow resume` continues it. */
  suspended: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
