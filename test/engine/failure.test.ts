/**
 * Failures as values: capture, JSON round trip, validation, re-raising.
 */
import { describe, expect, it } from 'vitest';
import { Failure, InvalidFormat, WrappedFailure } from '../../engine/index.js';

class RuntimeError extends Error {}
class DiskFull extends RuntimeError {}

describe('Failure', () => {
  it('captures the type chain, message, stack and causes', () => {
    const root = new TypeError('bad input');
    const err = new DiskFull('no space left', { cause: root });
    const f = Failure.fromError(err);
    expect(f.excTypeNames).toEqual(['DiskFull', 'RuntimeError', 'Error']);
    expect(f.exceptionStr).toBe('no space left');
    expect(f.tracebackStr).toContain('no space left');
    expect(f.causes).toHaveLength(1);
    expect(f.causes[0]?.excTypeNames).toEqual(['TypeError', 'Error']);
    expect(f.toString()).toBe('Failure: DiskFull: no space left');
    expect(f.check(RuntimeError)).toBe('RuntimeError');
    expect(f.check('TypeError', 'Error')).toBe('Error');
    expect(f.check(TypeError)).toBeUndefined();
  });

  it('survives a JSON round trip and still matches, but re-raises wrapped', () => {
    const original = new RuntimeError('Woot!');
    const f = Failure.fromError(original);
    const copy = Failure.fromDict(JSON.parse(JSON.stringify(f)));
    expect(copy.matches(f)).toBe(true);
    expect(f.matches(copy)).toBe(true);
    expect(copy.error).toBeUndefined();
    expect(() => f.reraise()).toThrow(original);
    let raised: unknown;
    try {
      copy.reraise();
    } catch (e) {
      raised = e;
    }
    expect(raised).toBeInstanceOf(WrappedFailure);
    expect((raised as WrappedFailure).failures).toEqual([copy]);
    expect(String(raised)).toBe('WrappedFailure: [Failure: RuntimeError: Woot!]');
  });

  it('captures values that are not errors', () => {
    const f = Failure.fromError('plain string');
    expect(f.excTypeNames).toEqual(['Error']);
    expect(f.exceptionStr).toBe('plain string');
    expect(Failure.fromError(f)).toBe(f);
  });

  it('rejects dicts of the wrong shape with InvalidFormat naming the field', () => {
    const good = Failure.fromError(new Error('x')).toDict();
    expect(() => Failure.fromDict({ ...good, version: 2 })).toThrow(/version/);
    expect(() => Failure.fromDict({ ...good, excTypeNames: [] })).toThrow(InvalidFormat);
    expect(() => Failure.fromDict({ ...good, exceptionStr: 3 })).toThrow(/exceptionStr/);
    expect(() => Failure.fromDict({ ...good, causes: [{ version: 1 }] })).toThrow(InvalidFormat);
    expect(() => Failure.fromDict('nope')).toThrow(/not an object/);
  });

  it('leaves out arguments that cannot be serialised', () => {
    const err = new Error('cyclic');
    const f = Failure.fromError(err);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const withBadArgs = Object.assign(Object.create(Object.getPrototypeOf(f) as object) as Failure, f, {
      excArgs: [cyclic],
    });
    expect(withBadArgs.toDict().excArgs).toEqual([]);
  });

  it('re-raises none, one as itself, several as a WrappedFailure in order', () => {
    expect(() => {
      Failure.reraiseIfAny([]);
    }).not.toThrow();
    const a = new RuntimeError('a');
    expect(() => {
      Failure.reraiseIfAny([Failure.fromError(a)]);
    }).toThrow(a);
    const fs = [Failure.fromError(new RuntimeError('a')), Failure.fromError(new TypeError('b'))];
    let raised: unknown;
    try {
      Failure.reraiseIfAny(fs);
    } catch (e) {
      raised = e;
    }
    expect(raised).toBeInstanceOf(WrappedFailure);
    const w = raised as WrappedFailure;
    expect(w.failures.map((f) => f.exceptionStr)).toEqual(['a', 'b']);
    expect(w.check(TypeError)).toBe('TypeError');
    // Nested wrapped failures are flattened.
    const outer = new WrappedFailure([Failure.fromError(w), Failure.fromError(new Error('c'))]);
    expect(outer.failures.map((f) => f.exceptionStr)).toEqual(['a', 'b', 'c']);
  });
});
