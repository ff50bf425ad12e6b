/**
 * The example flows of `examples/`, built into the renderer so that "new
 * from an example" works in either host without asking it for files.
 */
import { asDocument, type FlowDoc } from './document';

const files = import.meta.glob<unknown>('../../examples/*.flow.json', { eager: true, import: 'default' });

export interface Example {
  /** The file's name: `deploy.flow.json`. */
  readonly file: string;
  readonly doc: FlowDoc;
}

/** Every example, by file name. */
export const EXAMPLES: readonly Example[] = Object.entries(files)
  .map(([path, value]) => {
    const file = path.slice(path.lastIndexOf('/') + 1);
    return { file, doc: asDocument(value, file) };
  })
  .sort((a, b) => a.file.localeCompare(b.file));
