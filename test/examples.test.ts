/**
 * Every example flow in examples/ runs through the CLI, as a user would run
 * it, on every available engine (test/cli/engines.ts), and ends as the
 * example says it should.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, cli, examples, jsonLines, tempDir } from './cli/cli.js';
import { AVAILABLE_ENGINES } from './cli/engines.js';

interface Expected {
  readonly code: number;
  readonly state: string;
  readonly results: Record<string, unknown>;
  /** Atoms' final states from `atomflow show`, where they tell the story. */
  readonly atoms?: Record<string, string>;
}

const EXPECTED: Record<string, Expected> = {
  'deploy.flow.json': {
    code: 1,
    state: 'REVERTED',
    results: { version: '1.4.2', environment: 'staging' },
    atoms: {
      build: 'REVERTED',
      upload: 'REVERTED',
      'migrate-database': 'REVERTED',
      'switch-traffic': 'REVERTED',
    },
  },
  'canary.flow.json': {
    code: 0,
    state: 'SUCCESS',
    results: {
      live: 'releases/production/app-2.0.0.tar.gz on schema 42',
      announcement: 'released',
    },
    atoms: { announce: 'SUCCESS' },
  },
  'fan-out-fan-in.flow.json': {
    code: 0,
    state: 'SUCCESS',
    results: { published: { photos: 4, tagged: 2 } },
  },
  'retry.flow.json': {
    code: 0,
    state: 'SUCCESS',
    results: { attempt: 3, receipt: 'paid 12.5 for 1 x book (attempt 3)' },
  },
  'batch.flow.json': {
    code: 0,
    state: 'SUCCESS',
    results: {
      node: expect.objectContaining({ exitCode: 0, stdout: `${process.version}\n` }),
      platform: expect.objectContaining({ stdout: `${process.platform} ${process.arch}\n` }),
      greeting: expect.objectContaining({ stdout: expect.stringContaining('hello from a shell') }),
    },
  },
  'every-pattern.flow.json': {
    code: 0,
    state: 'SUCCESS',
    results: {
      binary: 'atomflow-demo-beta.bin',
      manual: 'manual.pdf',
      mirror: 'mirror-us',
      url: 'https://mirror-us.example/atomflow-demo-beta.bin.tar.gz',
      smokeAttempts: 3,
    },
    atoms: { docs: 'SUCCESS', benchmarks: 'IGNORE', 'pick-mirror': 'SUCCESS', 'smoke-test': 'SUCCESS' },
  },
};

describe('examples', () => {
  it('has the six flows the product shows, and each has an expectation here', () => {
    const files = readdirSync(examples).filter((f) => f.endsWith('.flow.json'));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const engine of AVAILABLE_ENGINES) {
    for (const [file, expected] of Object.entries(EXPECTED)) {
      it(`${file} on the ${engine.kind} engine`, async () => {
        const dir = tempDir();
        const db = join(dir, 'runs.db');
        const env = cleanEnv(dir);
        const r = await cli(['run', join(examples, file), ...engine.args, '--db', db, '--json'], { env });
        expect(r.code, r.stderr).toBe(expected.code);
        const end = jsonLines(r.stdout).at(-1);
        expect(end).toMatchObject({ type: 'end', state: expected.state, results: expected.results });
        if (expected.atoms) {
          const show = await cli(['show', String(end?.runId), '--db', db, '--json'], { env });
          const atoms = (JSON.parse(show.stdout) as { atoms: { name: string; state: string }[] }).atoms;
          expect(Object.fromEntries(atoms.map((a) => [a.name, a.state]))).toMatchObject(expected.atoms);
        }
      });
    }
  }
});
