/**
 * electron-builder.yml, read and checked by electron-builder's own loader and
 * JSON-schema validator (no network, nothing packaged), then held to what
 * the desktop app needs: its id and name, the targets of each platform, the
 * native rebuild, and the files that must live outside app.asar.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { appPaths } from '../../main/electron/paths.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** electron-builder's config loader and validator, from its own dependency. */
interface BuilderConfigApi {
  getConfig(
    projectDir: string,
    configPath: string | null,
    fromOptions: null,
  ): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, logger: unknown): Promise<void>;
}
const require = createRequire(import.meta.url);
const builderDir = dirname(require.resolve('electron-builder/package.json'));
const fromBuilder = (m: string): unknown => require(require.resolve(m, { paths: [builderDir] }));
const api = fromBuilder('app-builder-lib/out/util/config/config') as BuilderConfigApi;
const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

async function load(projectDir: string, file: string | null = null): Promise<Record<string, unknown>> {
  const config = await api.getConfig(projectDir, file, null);
  await api.validateConfiguration(config, new DebugLogger(false));
  return config;
}

const scratch = mkdtempSync(join(tmpdir(), 'atomflow-builder-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** `{ target: [...] }` or `['AppImage', …]` → the target names. */
function targets(platform: unknown): string[] {
  const t = (platform as { target?: unknown }).target;
  const list = Array.isArray(t) ? t : [t];
  return list.map((x) => (typeof x === 'string' ? x : (x as { target: string }).target));
}

/** Width and height of a PNG, from its IHDR. */
function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(b.toString('ascii', 12, 16)).toBe('IHDR');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    const config = await load(root);
    expect(config.appId).toBe('io.atomflow.desktop');
  });

  it('the validator is real: a misspelt option is refused', async () => {
    const dir = join(scratch, 'typo');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
    const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8').replace('productName:', 'prodName:');
    writeFileSync(join(dir, 'electron-builder.yml'), yml);
    await expect(load(dir)).rejects.toThrow(/unknown property 'prodName'/);
  });

  it('names the app and builds AppImage + deb, dmg and nsis into dist/', async () => {
    const c = await load(root);
    expect(c.productName).toBe('Atomflow');
    expect(c.directories).toMatchObject({ output: 'dist', buildResources: 'build' });
    expect(targets(c.linux).sort()).toEqual(['AppImage', 'deb']);
    expect(targets(c.mac)).toEqual(['dmg']);
    expect(targets(c.win)).toEqual(['nsis']);
    expect(c.publish).toBeNull();
  });

  it('packages the bundles with package.json, main pointing at the main bundle', async () => {
    const c = await load(root);
    expect(c.extraMetadata).toMatchObject({ main: 'out/main/index.js' });
    const files = (c.files as { filter: string[] }[])[0]?.filter ?? [];
    expect(files).toEqual(
      expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']),
    );
  });

  it('keeps from node_modules what the main bundle loads, with what those load at run time', async () => {
    const c = await load(root);
    const files = (c.files as { filter: string[] }[])[0]?.filter ?? [];
    expect(files).toContain('!node_modules/**');
    const kept = new Set(files.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/')[1]));
    // scripts/build-electron.mjs leaves these external (test/electron/build.test.ts checks the bundle).
    for (const external of ['better-sqlite3', 'amqplib']) expect(kept, external).toContain(external);
    // Their run-time dependencies, transitively (prebuild-install only runs at install time).
    const installOnly = new Set(['prebuild-install']);
    const seen = new Set<string>();
    const visit = (name: string): void => {
      if (seen.has(name)) return;
      seen.add(name);
      expect(kept, `${name} is needed at run time`).toContain(name);
      const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      for (const dep of Object.keys(pkg.dependencies ?? {})) if (!installOnly.has(dep)) visit(dep);
    };
    visit('better-sqlite3');
    visit('amqplib');
    expect(files).toContain('node_modules/better-sqlite3/build/Release/better_sqlite3.node');
  });

  it('unpacks native modules and what the utility process loads from disk', async () => {
    const c = await load(root);
    const unpack = c.asarUnpack as string[];
    expect(c.asar).toBe(true);
    expect(unpack).toContain('**/*.node');
    expect(unpack).toContain('out/main/pool-worker.mjs');
    expect(unpack).toContain('out/main/catalog-task.mjs');
    // The path main.ts forks, packaged, is the unpacked twin of the one asarUnpack names.
    const packaged = appPaths(join('/opt/Atomflow/resources/app.asar', 'out', 'main'));
    expect(packaged.poolWorker).toBe(
      join('/opt/Atomflow/resources/app.asar.unpacked/out/main/pool-worker.mjs'),
    );
    expect(packaged.preload).toBe(join('/opt/Atomflow/resources/app.asar/out/preload/index.cjs'));
  });

  it("rebuilds native modules for Electron's ABI, and flips the security fuses", async () => {
    const c = await load(root);
    expect(c.npmRebuild).toBe(true);
    expect(c.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
    });
  });

  it('has a 512×512 PNG icon (and its SVG source) for every platform', async () => {
    const c = await load(root);
    for (const platform of ['linux', 'mac', 'win']) {
      const icon = (c[platform] as { icon: string }).icon;
      expect(icon, platform).toBe('build/icon.png');
    }
    expect(pngSize(join(root, 'build', 'icon.png'))).toEqual([512, 512]);
    expect(readFileSync(join(root, 'build', 'icon.svg'), 'utf8')).toMatch(/^<svg [^>]*viewBox="0 0 512 512"/);
  });
});
