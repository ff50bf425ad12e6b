/**
 * Saved flow documents: the document store, in the app's SQLite file next to
 * the runs (see {@link DocumentStore}).
 *
 * @packageDocumentation
 */
export {
  DocumentStore,
  MAX_DOCUMENT_NAME,
  type DocumentStoreOptions,
  type DocumentSummary,
  type SavedDocument,
  type StoredDocument,
} from './store.js';
export { DocumentStoreError, DocumentNotFoundError, DocumentValidationError } from './errors.js';
