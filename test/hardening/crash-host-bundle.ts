/**
 * Bundles the crash test's host process with esbuild, so each of the
 * hundreds of host processes the test starts and kills loads one file
 * instead of compiling TypeScript (as `npm run build:electron` bundles the
 * desktop app's main process, and for the same reasons):
 *
 *   host.mjs          the host (crash-host-child.ts); better-sqlite3 and amqplib stay external
 *   worker.js         the parallel engine's pool program: a bundled engine looks for it
 *                     next to itself (engine/executors/pool/spawner.ts)
 *   catalog-task.mjs  the catalog's createTask, which pool processes import to rebuild script tasks
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');
const CATALOG_TASK_FILE = 'catalog-task.mjs';

/**
 * app/catalog/task.ts names its own module (`import.meta.url`) in the
 * reference a pool process rebuilds a script task from; bundled, that would
 * be host.mjs, whose top level runs a host. Here it names catalog-task.mjs.
 */
const catalogTaskUrl: Plugin = {
  name: 'catalog-task-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]app[\\/]catalog[\\/]task\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (source.split('import.meta.url').length !== 2) {
        throw new Error(`${args.path}: expected import.meta.url exactly once (the pool reference)`);
      }
      const url = `new URL('./${CATALOG_TASK_FILE}', import.meta.url).href`;
      return { contents: source.replace('import.meta.url', url), loader: 'ts' };
    });
  },
};

/**
 * Builds the three files into `outdir` (inside the repository, so the
 * external packages resolve from its node_modules); returns host.mjs.
 */
export async function bundleHost(outdir: string): Promise<string> {
  const common: BuildOptions = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'amqplib'],
    // Bundled CommonJS dependencies may call require(); an ES module has none of its own.
    banner: {
      js: "import { createRequire as __crashRequire } from 'node:module'; const require = __crashRequire(import.meta.url);",
    },
    plugins: [catalogTaskUrl],
    logLevel: 'silent',
  };
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(import.meta.dirname, 'crash-host-child.ts')],
      outfile: join(outdir, 'host.mjs'),
    }),
    build({
      ...common,
      entryPoints: [join(root, 'engine', 'executors', 'pool', 'worker.ts')],
      outfile: join(outdir, 'worker.js'),
    }),
    build({
      ...common,
      entryPoints: [join(root, 'app', 'catalog', 'task.ts')],
      outfile: join(outdir, CATALOG_TASK_FILE),
    }),
  ]);
  return join(outdir, 'host.mjs');
}
