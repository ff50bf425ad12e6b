/**
 * The task catalog: the built-in kinds a person drops on the canvas (noop,
 * value, delay, fail, script, shell, http), each with a config schema (which
 * drives the inspector form), execute, revert and a one-line description;
 * and `createTask`, which makes the engine task of a document's task node.
 *
 * @packageDocumentation
 */
export type { TaskKind } from './kind.js';
export { catalog } from './registry.js';
export { createTask, CatalogTask } from './task.js';
export { KINDS, noop, value, delay, fail, script, shell, http } from './kinds/index.js';
export { IntendedFailure } from './kinds/fail.js';
export { CommandFailed, type CommandResult } from './run-command.js';
export { RequestFailed } from './send-request.js';
export { CodeTimeout } from './run-code.js';
export { SCRIPT_TIMEOUT_MS } from './kinds/script.js';
export { SHELL_TIMEOUT_MS } from './kinds/shell.js';
export { HTTP_TIMEOUT_MS } from './kinds/http.js';
export { catalogEndpoints, CODE_KINDS, UnknownKindError, type CatalogEndpointOptions } from './endpoints.js';
