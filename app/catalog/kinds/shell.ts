/**
 * `shell`: runs a command. Without `shell: true` the command is started
 * directly with its `args` (no shell parses anything); with it, `command` is
 * a shell command line (`/bin/sh -c`) and `args` are its positional
 * parameters `$1`, `$2`… (on Windows, cmd.exe gets them appended).
 */
import { z } from 'zod';
import { timeoutMs, userMap } from '../fields.js';
import { defineKind } from '../kind.js';
import { runCommand, type CommandSpec } from '../run-command.js';

/** The default time limit of a command. */
export const SHELL_TIMEOUT_MS = 60_000;

const commandFields = {
  /** The program (or, with `shell: true`, the command line). */
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** `command` is a shell command line (`/bin/sh -c`, `cmd.exe` on Windows); `args` become `$1`, `$2`…. */
  shell: z.boolean().default(false),
  /** Working folder; default: the host's. */
  cwd: z.string().min(1).optional(),
  /** Added to (and overriding) the host's environment. */
  env: userMap(z.string()).optional(),
  /** The command is killed (SIGKILL) when it runs longer. */
  timeoutMs: timeoutMs(SHELL_TIMEOUT_MS),
};

const configSchema = z.strictObject({
  ...commandFields,
  /** A command run on revert, with the same fields. */
  revert: z.strictObject(commandFields).optional(),
});

/**
 * Runs `command`; stdout and stderr are captured and each line is streamed as
 * a log event while the command runs. The result is
 * `{ exitCode, stdout, stderr }` (use `provides: { out: "stdout" }` to publish
 * just the output). A non-zero exit, a signal, a time-out or a command that
 * cannot start is a failure; its message has the exit code and the last lines
 * of stderr.
 */
export const shell = defineKind({
  kind: 'shell',
  description:
    'Runs a command (no shell unless `shell: true`); a non-zero exit fails; result { exitCode, stdout, stderr }.',
  configSchema,
  execute: (config, _args, ctx) => runCommand(config as CommandSpec, ctx),
  revert: (config, _args, _info, ctx) => (config.revert ? runCommand(config.revert, ctx) : undefined),
});
