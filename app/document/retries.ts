/**
 * A document's retry → the engine's retry controller, remembering the
 * document it came from (the engine keeps no record of `values` or
 * `revertAll`), so the document can be given back.
 */
import {
  AlwaysRevert,
  AlwaysRevertAll,
  ForEach,
  ParameterizedForEach,
  Times,
  type Retry,
  type RetryStrategyOptions,
} from '../../engine/index.js';
import type { RetryDocument } from './schema.js';

const documents = new WeakMap<Retry, RetryDocument>();

/** The engine retry of a retry document. */
export function createRetry(doc: RetryDocument): Retry {
  const options: RetryStrategyOptions = {};
  if (doc.name !== undefined) options.name = doc.name;
  if (doc.provides !== undefined) options.provides = doc.provides;
  let retry: Retry;
  switch (doc.type) {
    case 'times':
      if (doc.revertAll !== undefined) options.revertAll = doc.revertAll;
      retry = new Times(doc.attempts, options);
      break;
    case 'for-each':
      if (doc.revertAll !== undefined) options.revertAll = doc.revertAll;
      retry = new ForEach(doc.values, options);
      break;
    case 'parameterized-for-each':
      if (doc.revertAll !== undefined) options.revertAll = doc.revertAll;
      if (doc.rebind !== undefined) options.rebind = doc.rebind;
      retry = new ParameterizedForEach(options);
      break;
    case 'always-revert':
      retry = new AlwaysRevert(options);
      break;
    case 'always-revert-all':
      retry = new AlwaysRevertAll(options);
      break;
  }
  documents.set(retry, doc);
  return retry;
}

/** The document a retry was made from by {@link createRetry}, if it was. */
export function retryDocumentOf(retry: Retry): RetryDocument | undefined {
  return documents.get(retry);
}
