/**
 * The run service: start runs of flow documents on an engine, stream their
 * events, suspend, cancel and resume them (also after a crash), and query the
 * history kept in the SQLite run store.
 *
 * @packageDocumentation
 */
export { RunService, type RunServiceOptions, type ResumeOptions, type SubscribeOptions } from './service.js';
export {
  defaultDatabasePath,
  resolveDatabasePath,
  DATABASE_FILE,
  type DatabasePathContext,
} from './db-path.js';
export { ENGINE_KINDS, checkRunRequest } from './checks.js';
export {
  RunServiceError,
  InvalidDocumentError,
  EngineUnavailableError,
  RunNotFoundError,
  RunStateError,
  RunStoreError,
  InvalidSettingsError,
  type RequestProblem,
} from './errors.js';
export { checkRetention, type PruneOptions } from './retention.js';
export {
  MAX_AGE_DAYS,
  MAX_KEEP_LAST,
  retentionSettingsSchema,
  type PruneReport,
  type RetentionSettings,
} from './retention-settings.js';
export type * from './types.js';
