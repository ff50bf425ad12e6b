/**
 * Bad input, end to end: each is refused with exit 2 (1 for an unknown run
 * id) and a message naming the file, the node and the field, never a stack
 * trace, and nothing is written to the run store (checked on the file).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, cli, examples, tempDir, writeDocument, type CliResult } from './cli.js';

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function expectNoStack(r: CliResult): void {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain('internal error');
}

const doc = (flow: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  format: 'atomflow.flow/1',
  name: 'bad',
  ...extra,
  flow,
});

const CASES: { what: string; content: string | Record<string, unknown>; expect: RegExp[] }[] = [
  { what: 'malformed JSON', content: '{ "format": "atomflow.flow/1", "name": ', expect: [/JSON/i] },
  {
    what: 'an unknown format version',
    content: doc({ type: 'linear', name: 'root', children: [] }, { format: 'atomflow.flow/9' }),
    expect: [/format/, /atomflow\.flow\/9|atomflow\.flow\/1/],
  },
  {
    what: 'an unknown kind',
    content: doc({
      type: 'linear',
      name: 'root',
      children: [{ type: 'task', name: 'beam-up', kind: 'teleport' }],
    }),
    expect: [/beam-up/, /kind/, /teleport/],
  },
  {
    what: 'a bad config',
    content: doc({
      type: 'linear',
      name: 'root',
      children: [{ type: 'task', name: 'wait', kind: 'delay', config: { ms: 'soon' } }],
    }),
    expect: [/wait/, /config\.ms/],
  },
  {
    what: 'a cycle',
    content: doc({
      type: 'graph',
      name: 'root',
      children: [
        { type: 'task', name: 'a', kind: 'noop' },
        { type: 'task', name: 'b', kind: 'noop' },
      ],
      links: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a' },
      ],
    }),
    expect: [/cycle/i, /\ba\b/, /\bb\b/],
  },
  {
    what: 'a requirement nothing provides',
    content: doc(
      {
        type: 'linear',
        name: 'root',
        children: [
          {
            type: 'task',
            name: 'add',
            kind: 'script',
            requires: ['x', 'y'],
            config: { code: 'return x + y' },
          },
        ],
      },
      { inputs: { x: 1 } },
    ),
    expect: [/add/, /requires/, /"?y"?/],
  },
];

describe('atomflow run with bad input', () => {
  for (const c of CASES) {
    it(`refuses ${c.what}: exit 2, file/node/field named, nothing written`, async () => {
      const dir = tempDir();
      const db = join(dir, 'runs.db');
      const file = writeDocument(dir, 'bad.flow.json', c.content);
      const r = await cli(['run', file, '--db', db, '--json'], { env: cleanEnv(dir) });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(file);
      for (const re of c.expect) expect(r.stderr).toMatch(re);
      expectNoStack(r);
      expect(existsSync(db)).toBe(false);

      const v = await cli(['validate', file], { env: cleanEnv(dir) });
      expect(v.code).toBe(2);
      for (const re of c.expect) expect(v.stdout).toMatch(re);
      expectNoStack(v);
    });
  }

  it('reports every problem of a document at once', async () => {
    const dir = tempDir();
    const file = writeDocument(
      dir,
      'many.flow.json',
      doc({
        type: 'linear',
        name: 'root',
        children: [
          { type: 'task', name: 'one', kind: 'teleport' },
          { type: 'task', name: 'two', kind: 'delay', config: { ms: -1 } },
          { type: 'task', name: 'three', kind: 'noop', colour: 'red' },
        ],
      }),
    );
    const r = await cli(['validate', file], { env: cleanEnv(dir) });
    expect(r.code).toBe(2);
    for (const node of ['one', 'two', 'three']) expect(r.stdout).toMatch(new RegExp(`\\b${node}\\b`));
    expect(r.stdout).toContain('colour');
    expect(r.stdout).toMatch(/3 problems/);
  });

  it('leaves an existing store unchanged', async () => {
    const dir = tempDir();
    const db = join(dir, 'runs.db');
    const env = cleanEnv(dir);
    const ok = await cli(['run', join(examples, 'retry.flow.json'), '--db', db, '--json'], { env });
    expect(ok.code).toBe(0);
    const before = sha(db);
    const file = writeDocument(dir, 'bad.flow.json', '{ nope');
    const bad = [
      ['run', file],
      ['run', join(dir, 'missing.flow.json')],
      ['run', join(examples, 'retry.flow.json'), '--input', 'novalue'],
      ['run', join(examples, 'retry.flow.json'), '--input', '__proto__=1'],
      ['run', join(examples, 'retry.flow.json'), '--engine', 'warp'],
      ['run', join(examples, 'retry.flow.json'), '--workers', 'many'],
      ['run', join(examples, 'retry.flow.json'), '--engine', 'worker-based'],
      ['run', join(examples, 'retry.flow.json'), '--engine', 'worker-based', '--amqp', 'http://127.0.0.1'],
      ['run', join(examples, 'retry.flow.json'), '--exchange', 'x'],
      ['run', join(examples, 'retry.flow.json'), '--bogus'],
    ];
    for (const args of bad) {
      const r = await cli([...args, '--db', db], { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).not.toBe('');
      expectNoStack(r);
    }
    expect(sha(db)).toBe(before);
    const runs = await cli(['runs', '--db', db, '--json'], { env });
    expect((JSON.parse(runs.stdout) as { runs: unknown[] }).runs).toHaveLength(1);
  });

  it('names a missing file', async () => {
    const dir = tempDir();
    const file = join(dir, 'nowhere.flow.json');
    const r = await cli(['run', file, '--db', join(dir, 'runs.db')], { env: cleanEnv(dir) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: cannot read the flow document: no such file`);
  });

  it('refuses a store file that is not an Atomflow database, naming it', async () => {
    const dir = tempDir();
    const notDb = writeDocument(dir, 'notes.txt', 'just some notes, not SQLite at all'.repeat(200));
    const before = sha(notDb);
    const r = await cli(['run', join(examples, 'retry.flow.json'), '--db', notDb], { env: cleanEnv(dir) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(notDb);
    expectNoStack(r);
    expect(sha(notDb)).toBe(before);
  });

  it('exits 1 for an unknown run id, naming it', async () => {
    const dir = tempDir();
    const db = join(dir, 'runs.db');
    const env = cleanEnv(dir);
    expect((await cli(['run', join(examples, 'retry.flow.json'), '--db', db, '--json'], { env })).code).toBe(
      0,
    );
    for (const command of ['show', 'resume', 'delete']) {
      const r = await cli([command, 'no-such-run', '--db', db], { env });
      expect(r.code, command).toBe(1);
      expect(r.stderr, command).toContain("No run with id 'no-such-run'");
      expectNoStack(r);
    }
  });
});
