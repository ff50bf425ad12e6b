/** Link deciders written in a document: code given `history`, run by the engine before the link's target. */
import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../app/document/index.js';
import { runDocument, statesOf } from './catalog-support.js';

function gated(code: string, depth?: 'all' | 'atom'): FlowDocument {
  return {
    format: 'atomflow.flow/1',
    name: 'gate',
    inputs: { level: 3 },
    flow: {
      type: 'graph',
      name: 'g',
      children: [
        {
          type: 'task',
          name: 'measure',
          kind: 'script',
          config: { code: 'return level * 2' },
          requires: ['level'],
        },
        { type: 'task', name: 'alarm', kind: 'value', config: { value: 'ring' }, provides: 'alarm' },
        { type: 'task', name: 'after', kind: 'value', config: { value: 'done' }, provides: 'after' },
      ],
      links: [
        { from: 'measure', to: 'alarm', decider: { code }, ...(depth === undefined ? {} : { depth }) },
        { from: 'alarm', to: 'after' },
      ],
    },
  };
}

describe('deciders', () => {
  it('a truthy answer runs the target', async () => {
    const r = await runDocument(gated('return history.measure > 5'));
    expect(r.values).toEqual({ level: 3, alarm: 'ring', after: 'done' });
  });

  it('a falsy answer skips the target and, with depth all, what follows it', async () => {
    const r = await runDocument(gated('return history.measure > 10'));
    expect(r.error).toBeUndefined();
    expect(statesOf(r.events, 'alarm')).toEqual(['IGNORE']);
    expect(statesOf(r.events, 'after')).toEqual(['IGNORE']);
  });

  it('with depth atom only the target is skipped', async () => {
    const r = await runDocument(gated('return false', 'atom'));
    expect(statesOf(r.events, 'alarm')).toEqual(['IGNORE']);
    expect(r.values).toEqual({ level: 3, after: 'done' });
  });

  it('a decider that throws fails the run with its error', async () => {
    const r = await runDocument(gated('throw new RangeError("no reading")'));
    expect(r.error).toBeInstanceOf(RangeError);
    expect(r.error!.message).toBe('no reading');
  });
});
