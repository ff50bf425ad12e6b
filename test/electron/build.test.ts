/**
 * scripts/build-electron.mjs, run for real into a temporary folder, and what
 * it makes: a preload that exposes the contract and nothing else, a main
 * bundle that loads only what Electron and node_modules provide, and pool
 * bundles that run a catalog script task in a (stand-in) utility process
 * without tsx, TypeScript or node_modules. Electron itself is never loaded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessPool, type Task } from '../../engine/index.js';
import { EVENTS_CHANNEL, REQUEST_CHANNEL } from '../../main/electron/channels.js';
import { utilitySpawner } from '../../main/electron/utility-spawner.js';
import { fakeUtilityFork } from './support/fake-utility.js';

const out = mkdtempSync(join(tmpdir(), 'atomflow-electron-build-'));
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

beforeAll(() => {
  const r = spawnSync(process.execPath, ['scripts/build-electron.mjs', '--outdir', out, '--quiet'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 130_000);

/** The module specifiers a bundle imports at its top level (ESM) or requires. */
function importsOf(code: string): Set<string> {
  const found = new Set<string>();
  for (const m of code.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["'];?$/gms)) found.add(m[1]!);
  for (const m of code.matchAll(/\brequire\(["']([^"']+)["']\)/g)) found.add(m[1]!);
  return found;
}

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe('scripts/build-electron.mjs', () => {
  it('writes the main bundle, the preload and the two pool bundles', () => {
    for (const f of ['main/index.js', 'main/pool-worker.mjs', 'main/catalog-task.mjs', 'preload/index.cjs']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
  });

  it('the main bundle loads electron, better-sqlite3, amqplib and Node built-ins only', () => {
    const code = readFileSync(join(out, 'main/index.js'), 'utf8');
    const outside = [...importsOf(code)].filter((m) => !builtins.has(m));
    expect(outside.sort()).toEqual(['amqplib', 'better-sqlite3', 'electron']);
    // The IPC channel and the security settings made it in.
    expect(code).toContain(REQUEST_CHANNEL);
    expect(code).toContain('sandbox: true');
  });

  it('the pool bundles load Node built-ins only (they run from app.asar.unpacked, without node_modules)', () => {
    for (const f of ['main/pool-worker.mjs', 'main/catalog-task.mjs']) {
      const code = readFileSync(join(out, f), 'utf8');
      expect(
        [...importsOf(code)].filter((m) => !builtins.has(m)),
        f,
      ).toEqual([]);
    }
  });
});

describe('the preload bundle', () => {
  interface Fake {
    exposed: Map<string, unknown>;
    invoked: unknown[][];
    listeners: Map<string, Set<(...a: unknown[]) => void>>;
    required: string[];
  }

  /** Runs the preload as a sandboxed renderer would, with a stand-in for `require('electron')`. */
  function loadPreload(): Fake {
    const fake: Fake = { exposed: new Map(), invoked: [], listeners: new Map(), required: [] };
    const electron = {
      contextBridge: {
        exposeInMainWorld(key: string, api: unknown) {
          fake.exposed.set(key, api);
        },
      },
      ipcRenderer: {
        invoke(...args: unknown[]) {
          fake.invoked.push(args);
          return Promise.resolve({ id: 1, ok: true, result: 'answer' });
        },
        on(channel: string, l: (...a: unknown[]) => void) {
          if (!fake.listeners.has(channel)) fake.listeners.set(channel, new Set());
          fake.listeners.get(channel)!.add(l);
        },
        removeListener(channel: string, l: (...a: unknown[]) => void) {
          fake.listeners.get(channel)?.delete(l);
        },
      },
    };
    const code = readFileSync(join(out, 'preload/index.cjs'), 'utf8');
    const module = { exports: {} };
    runInNewContext(code, {
      module,
      exports: module.exports,
      require(name: string) {
        fake.required.push(name);
        if (name === 'electron') return electron;
        throw new Error(`a sandboxed preload cannot require ${name}`);
      },
    });
    return fake;
  }

  it('requires electron alone and exposes exactly { request, onEvents } as window.atomflow', () => {
    const fake = loadPreload();
    expect(fake.required).toEqual(['electron']);
    expect([...fake.exposed.keys()]).toEqual(['atomflow']);
    const api = fake.exposed.get('atomflow') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['onEvents', 'request']);
    expect(typeof api.request).toBe('function');
    expect(typeof api.onEvents).toBe('function');
  });

  it('request invokes the request channel with the message and gives back the answer', async () => {
    const fake = loadPreload();
    const api = fake.exposed.get('atomflow') as { request(m: object): Promise<unknown> };
    const message = { id: 1, method: 'runs.list', params: {} };
    await expect(api.request(message)).resolves.toEqual({ id: 1, ok: true, result: 'answer' });
    expect(fake.invoked).toEqual([[REQUEST_CHANNEL, message]]);
  });

  it('onEvents passes the message alone (never the IPC event) and its return value stops it', () => {
    const fake = loadPreload();
    const api = fake.exposed.get('atomflow') as { onEvents(cb: (m: unknown) => void): () => void };
    const got: unknown[][] = [];
    const stop = api.onEvents((...args) => got.push(args));
    const listeners = fake.listeners.get(EVENTS_CHANNEL)!;
    expect(listeners.size).toBe(1);
    const ipcEvent = { sender: { send() {} }, ports: [] };
    const batch = { type: 'events', runId: 'r', events: [{ type: 'flow' }] };
    for (const l of listeners) l(ipcEvent, batch);
    expect(got).toEqual([[batch]]);
    stop();
    expect(listeners.size).toBe(0);
    // Only the two contract channels are ever touched.
    expect([...fake.listeners.keys()]).toEqual([EVENTS_CHANNEL]);
  });
});

describe('the pool bundles', () => {
  const scriptNode = (code: string) => ({
    type: 'task' as const,
    name: 'double',
    kind: 'script',
    config: { code },
    requires: ['x'],
    provides: 'y',
  });

  it("the bundled catalog names its own file in a script task's reference", async () => {
    const mod = (await import(pathToFileURL(join(out, 'main/catalog-task.mjs')).href)) as {
      createTask(node: unknown): Task;
    };
    const task = mod.createTask(scriptNode('return x * 2'));
    expect(task.ref?.module).toBe(pathToFileURL(join(out, 'main/catalog-task.mjs')).href);
    expect(task.ref?.export).toBe('createTask');
  });

  it('run a catalog script task in a utility process, with no TypeScript anywhere', async () => {
    const pool = new ProcessPool({
      maxWorkers: 1,
      spawner: utilitySpawner({
        fork: fakeUtilityFork(false),
        entry: join(out, 'main/pool-worker.mjs'),
      }),
    });
    const module = pathToFileURL(join(out, 'main/catalog-task.mjs')).href;
    const logs: string[] = [];
    const reporter = {
      progress: () => undefined,
      log: (text: string) => {
        logs.push(text);
      },
    };
    const job = (code: string) => ({
      action: 'execute' as const,
      ref: { module, export: 'createTask', args: [scriptNode(code)] },
      name: 'double',
      uuid: 'u-1',
      args: { x: 21 },
    });
    try {
      const ok = await pool.run(job('console.log("doubling", x); return x * 2'), reporter);
      expect(ok.ok, String((ok as { failure?: unknown }).failure)).toBe(true);
      expect((ok as { value: unknown }).value).toBe(42);
      expect(logs).toContain('doubling 21');
      const bad = await pool.run(job('throw new RangeError("too big")'), reporter);
      expect(bad.ok).toBe(false);
      expect(String((bad as { failure: unknown }).failure)).toMatch(/RangeError: too big/);
    } finally {
      await pool.close();
    }
  });
});
