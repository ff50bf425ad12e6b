/**
 * The layering rule is enforced by lint: engine/ may not import app/, main/,
 * renderer/ or UI frameworks. This proves the rule fires (a rule that never
 * fires would let `npm test` pass whatever engine/ imports).
 */
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

async function importErrors(code: string, filePath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('engine import rule', () => {
  it('rejects engine/ importing from app/, main/ or renderer/', async () => {
    for (const target of ['../app/runs/service.js', '../main/cli/example.js', '../../renderer/App.js']) {
      const errors = await importErrors(
        `import { x } from '${target}';\nexport const y = x;\n`,
        'engine/index.ts',
      );
      expect(errors, target).toHaveLength(1);
      expect(errors[0]).toContain('engine/ must not import');
    }
  });

  it('rejects UI frameworks in engine/', async () => {
    const errors = await importErrors(
      `import React from 'react';\nexport const y = React;\n`,
      'engine/index.ts',
    );
    expect(errors).toHaveLength(1);
  });

  it('allows the engine its own modules, and other layers to import the engine', async () => {
    expect(
      await importErrors(
        `import { Task } from './atoms/task.js';\nexport const y = Task;\n`,
        'engine/index.ts',
      ),
    ).toEqual([]);
    expect(
      await importErrors(
        `import { Task } from '../../engine/index.js';\nexport const y = Task;\n`,
        'main/cli/example.ts',
      ),
    ).toEqual([]);
  });
});
