/**
 * The errors of the document store. Each says what is wrong in words a
 * person can act on: front ends show the message alone, never a stack trace.
 */
import type { Problem } from '../document/index.js';

/** Base of the document store's own errors; thrown as is when the store's file cannot be used. */
export class DocumentStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No saved document has this name. */
export class DocumentNotFoundError extends DocumentStoreError {
  constructor(readonly documentName: string) {
    super(`No saved document named '${documentName}'`);
  }
}

/** The document cannot be saved: every problem, each naming its node and field. Nothing was written. */
export class DocumentValidationError extends DocumentStoreError {
  constructor(readonly problems: readonly Problem[]) {
    super(
      `The document has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}: ` +
        problems.map((p) => `${p.node !== undefined ? `${p.node}.` : ''}${p.path}: ${p.message}`).join('; '),
    );
  }
}
