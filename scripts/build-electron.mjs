#!/usr/bin/env node
// Builds the desktop app's code with esbuild (no Electron binary needed):
//
//   out/main/index.js           the main process (ESM; electron, better-sqlite3, amqplib stay external)
//   out/main/pool-worker.mjs    the parallel engine's pool program, run by utilityProcess.fork
//   out/main/catalog-task.mjs   the catalog's createTask, which pool processes import to rebuild script tasks
//   out/preload/index.cjs       the preload (CommonJS: a sandboxed preload cannot be an ES module)
//
// The renderer is vite's job (out/renderer/). Usage: node scripts/build-electron.mjs [--outdir DIR] [--quiet]
//
// The two pool bundles are unpacked from app.asar (electron-builder.yml: asarUnpack) and are
// .mjs so they are ES modules there too, where no package.json says "type": "module". They import
// nothing from node_modules: a pool process never opens the run store or a broker, so the
// engine's imports of better-sqlite3 and amqplib are replaced by stubs that throw if used.
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { outdir: { type: 'string' }, quiet: { type: 'boolean', default: false } },
});
const out = resolve(values.outdir ?? join(root, 'out'));

/** Native or network packages the main process loads from node_modules at run time. */
const MAIN_EXTERNAL = ['electron', 'better-sqlite3', 'amqplib'];

/** Where a pool process finds `createTask` (see catalogTaskUrl). */
export const CATALOG_TASK_FILE = 'catalog-task.mjs';

/**
 * app/catalog/task.ts names its own module (`import.meta.url`) in the reference a pool
 * process rebuilds a script task from. Bundled, that would be out/main/index.js, the whole
 * main process; so in the bundles it names out/main/catalog-task.mjs instead, outside
 * app.asar when packaged (a utility process loads it from the real file system).
 */
const catalogTaskUrl = {
  name: 'catalog-task-url',
  setup(build) {
    build.onLoad({ filter: /[\\/]app[\\/]catalog[\\/]task\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const uses = source.split('import.meta.url').length - 1;
      if (uses !== 1) {
        throw new Error(
          `${args.path}: expected import.meta.url exactly once (the pool reference), found ${uses}; ` +
            'update scripts/build-electron.mjs',
        );
      }
      const url =
        `new URL('./${CATALOG_TASK_FILE}', import.meta.url).href` +
        `.replace('/app.asar/', '/app.asar.unpacked/')`;
      return { contents: source.replace('import.meta.url', url), loader: 'ts' };
    });
  },
};

/** In the pool bundles: better-sqlite3 and amqplib become modules that throw when used. */
const poolStubs = {
  name: 'pool-stubs',
  setup(build) {
    build.onResolve({ filter: /^(better-sqlite3|amqplib)(\/.*)?$/ }, (args) => ({
      path: args.path,
      namespace: 'pool-stub',
    }));
    build.onLoad({ filter: /.*/, namespace: 'pool-stub' }, (args) => ({
      contents: `
        const unavailable = () => { throw new Error(${JSON.stringify(`${args.path} is not available in a pool process`)}); };
        const stub = new Proxy(function () {}, { get: unavailable, apply: unavailable, construct: unavailable });
        export default stub;
        export const connect = unavailable;
      `,
      loader: 'js',
    }));
  },
};

// Bundled CommonJS dependencies may call require(); an ES module has none of its own.
const requireShim =
  "import { createRequire as __atomflowCreateRequire } from 'node:module';\n" +
  'const require = __atomflowCreateRequire(import.meta.url);';

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: values.quiet ? 'error' : 'info',
  metafile: true,
};

const builds = [
  {
    ...common,
    entryPoints: { index: 'main/electron/main.ts' },
    outdir: join(out, 'main'),
    format: 'esm',
    outExtension: { '.js': '.js' },
    external: MAIN_EXTERNAL,
    banner: { js: requireShim },
    plugins: [catalogTaskUrl],
  },
  {
    ...common,
    entryPoints: {
      'pool-worker': 'engine/executors/pool/worker.ts',
      'catalog-task': 'app/catalog/task.ts',
    },
    outdir: join(out, 'main'),
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    banner: { js: requireShim },
    plugins: [catalogTaskUrl, poolStubs],
  },
  {
    ...common,
    entryPoints: { index: 'main/electron/preload.cts' },
    outdir: join(out, 'preload'),
    // A sandboxed preload gets a browser-like world and a require() that knows 'electron' and little
    // else: platform browser makes any Node built-in that sneaks in an error here, not at run time.
    platform: 'browser',
    target: 'chrome140',
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    external: ['electron'],
  },
];

const started = Date.now();
const results = await Promise.all(builds.map((options) => esbuild.build(options)));

// What the pool bundles import at run time must exist next to them outside app.asar: Node built-ins only.
for (const [file, info] of Object.entries(results[1].metafile.outputs)) {
  if (!file.endsWith('.mjs')) continue;
  const outside = info.imports.filter((i) => i.external && !isBuiltin(i.path));
  if (outside.length > 0) {
    throw new Error(`${file} imports ${outside.map((i) => i.path).join(', ')}; a pool bundle must not`);
  }
}
// The preload may require electron and nothing else.
for (const [file, info] of Object.entries(results[2].metafile.outputs)) {
  const other = info.imports.filter((i) => i.path !== 'electron');
  if (other.length > 0) throw new Error(`${file} imports ${other.map((i) => i.path).join(', ')}`);
}

if (!values.quiet) {
  console.log(`Electron main, preload and pool bundles built in ${String(Date.now() - started)} ms → ${out}`);
}
