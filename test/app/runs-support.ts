/**
 * Documents and helpers for the run service tests: real SQLite files in
 * temporary folders, documents written as a person would write them.
 */
import { join } from 'node:path';
import type { RunEvent, RunService } from '../../app/runs/index.js';
import { tempDir } from '../cli/cli.js';

/** A run store path in a new temporary folder (the file does not exist yet). */
export function tempDb(): string {
  return join(tempDir('atomflow-runs-'), 'runs.db');
}

/** A document of `children` in a linear flow. */
export function linearDocument(
  name: string,
  children: unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    format: 'atomflow.flow/1',
    name,
    ...extra,
    flow: { type: 'linear', name: `${name}-flow`, children },
  };
}

/** x + y = sum, then sum * 2 = double, logging a line. */
export const addDocument = linearDocument(
  'add',
  [
    {
      type: 'task',
      name: 'add',
      kind: 'script',
      requires: ['x', 'y'],
      provides: 'sum',
      config: { code: 'console.log(`adding ${x} and ${y}`);\nreturn x + y;' },
    },
    { type: 'task', name: 'pause', kind: 'delay', config: { ms: 30 } },
    {
      type: 'task',
      name: 'double',
      kind: 'script',
      requires: ['sum'],
      provides: 'double',
      config: { code: 'return sum * 2;' },
    },
  ],
  { inputs: { x: 2, y: 3 } },
);

/** Two tasks with reverts, then one that fails: the run ends REVERTED. */
export const failingDocument = linearDocument('failing', [
  {
    type: 'task',
    name: 'one',
    kind: 'script',
    provides: 'a',
    config: { code: "return 'A';", revertCode: "console.log('undo one');" },
  },
  {
    type: 'task',
    name: 'two',
    kind: 'script',
    requires: ['a'],
    provides: 'b',
    config: { code: "return a + 'B';", revertCode: "console.log('undo two');" },
  },
  { type: 'task', name: 'boom', kind: 'fail', requires: ['b'], config: { message: 'disk full' } },
]);

/** Every event of a run, with the run started by `begin` given the listener first. */
export async function collect(
  service: RunService,
  begin: (listener: (e: RunEvent) => void) => string,
): Promise<{ runId: string; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const runId = begin((e) => events.push(e));
  await service.wait(runId);
  return { runId, events };
}

/** The atom events of `events` as `name:STATE` strings. */
export function transitions(events: readonly RunEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'atom' ? [`${e.name}:${e.state}`] : []));
}
