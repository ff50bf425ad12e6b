/**
 * Validation of flow documents: valid fixtures have no problem; each invalid
 * fixture has exactly the problems listed here, each with its node and field.
 */
import { describe, expect, it } from 'vitest';
import {
  FORMAT,
  formatProblem,
  readDocument,
  validateDocument,
  type Problem,
} from '../../app/document/index.js';
import { fixture, fixtureNames, fixtureText } from './document-fixtures.js';

const KINDS = 'noop, value, delay, fail, script, shell, http';

/** Every invalid fixture and its problems, in the order validation reports them. */
const EXPECTED: Record<string, Problem[]> = {
  'unknown-format.json': [
    {
      path: 'format',
      message: 'unknown format "atomflow.flow/2": this version reads "atomflow.flow/1" only',
    },
  ],
  'missing-fields.json': [
    { path: 'name', message: 'required' },
    { node: 'root', path: 'children', message: 'required' },
  ],
  'unknown-fields.json': [
    { node: 'a', path: 'config.jitter', message: 'unknown field' },
    { node: 'a', path: 'provide', message: 'unknown field' },
    { path: 'colour', message: 'unknown field' },
  ],
  'unknown-kind.json': [
    { node: 'a', path: 'kind', message: `unknown kind "teleport" (known kinds: ${KINDS})` },
    { node: 'b', path: 'kind', message: `required (one of: ${KINDS})` },
  ],
  'unknown-node-type.json': [
    {
      node: 'p',
      path: 'type',
      message: 'unknown node type "parallel" (expected one of "task", "linear", "unordered", "graph")',
    },
  ],
  'bad-configs.json': [
    { node: 'wait', path: 'config.ms', message: 'must be at least 0' },
    { node: 'run', path: 'config.command', message: 'required' },
    { node: 'call', path: 'config.url', message: 'expected an http:// or https:// URL' },
    { node: 'calc', path: 'config.timeoutMs', message: 'must be at least 1' },
    { node: 'const', path: 'config.value', message: 'required' },
    { node: 'flaky', path: 'config.failTimes', message: 'expected a whole number, got 1.5' },
  ],
  'bad-retries.json': [
    { node: 'a', path: 'retry.attempts', message: 'must be at least 1' },
    { node: 'b', path: 'retry.values', message: 'needs at least one value' },
    { node: 'c', path: 'retry.attempts', message: 'unknown field' },
    {
      node: 'd',
      path: 'retry.type',
      message:
        'unknown retry type "sometimes" (expected one of "times", "for-each", "parameterized-for-each", ' +
        '"always-revert", "always-revert-all")',
    },
  ],
  'wrong-types.json': [
    { path: 'inputs', message: 'expected object, got array' },
    { node: 'a', path: 'requires[1]', message: 'expected string, got number' },
    { node: 'a', path: 'provides', message: 'expected string, array or object, got number' },
    { node: 'b', path: 'priority', message: 'expected number, got string' },
  ],
  'bad-link-depth.json': [
    {
      node: 'root',
      path: 'links[0].depth',
      message: '"everything" is not allowed: expected one of "all", "flow", "neighbors", "atom"',
    },
  ],
  'empty-names.json': [
    { node: 'root', path: 'children[0].name', message: 'a name must not be empty' },
    { node: 'root', path: 'children[0].requires[0]', message: 'a symbol name must not be empty' },
  ],
  'reserved-keys.json': [
    { node: 'run', path: 'config.env.constructor', message: '"constructor" is a reserved name' },
    { path: 'inputs.__proto__', message: '"__proto__" is a reserved name' },
  ],
  'duplicate-names.json': [
    { node: 'a', path: 'name', message: 'the name "a" is already used by a task' },
    { node: 'b_retry', path: 'name', message: 'the name "b_retry" is already used by a retry (in "b")' },
    { node: 'root', path: 'name', message: 'the name "root" is already used by a flow' },
  ],
  'missing-provider.json': [{ node: 'add', path: 'requires[1]', message: 'no task or input provides "y"' }],
  'provider-not-before.json': [
    {
      node: 'use',
      path: 'requires[0]',
      message: '"v" is provided only by "make", which does not run before "use"',
    },
    {
      node: 'early',
      path: 'requires[0]',
      message: '"late" is provided only by "producer", which does not run before "early"',
    },
  ],
  'optional-not-before.json': [
    {
      node: 'use',
      path: 'optional[0]',
      message:
        '"v" is provided only by "make", which does not run before "use" (as an optional input it could never be read)',
    },
  ],
  'ambiguous-provider.json': [
    {
      node: 'c',
      path: 'requires[0]',
      message:
        '"x" has several providers in graph "root" ("p1" and "p2"); a graph child\'s input must have one',
    },
  ],
  'inferred-cycle.json': [
    {
      node: 'root',
      path: 'children',
      message: 'what the children require and provide makes a cycle: "a" → "b" → "a"',
    },
  ],
  'link-problems.json': [
    { node: 'root', path: 'links[0]', message: 'linking "b" to "a" makes a cycle: "a" already leads to "b"' },
    { node: 'root', path: 'links[1]', message: 'links "a" to itself' },
    { node: 'root', path: 'links[2].to', message: '"deep" is not a child of graph "root"' },
    { node: 'root', path: 'links[3].from', message: '"ghost" is not a child of graph "root"' },
    { node: 'root', path: 'links[4].depth', message: 'a depth needs a decider' },
    { node: 'root', path: 'links[5].decider.code', message: "does not compile: Unexpected token '}'" },
  ],
  'bad-code.json': [
    { node: 'calc', path: 'config.code', message: "does not compile: Unexpected token '}'" },
    { node: 'calc', path: 'config.revertCode', message: "does not compile: Unexpected token '}'" },
  ],
  'bad-rebind.json': [
    {
      node: 'a',
      path: 'rebind.w',
      message: 'rebinds "w", which is not a parameter of this task (list it in requires or optional)',
    },
    {
      node: 'b',
      path: 'rebind[1]',
      message: 'has no required parameter at this position (requires lists 1)',
    },
  ],
  'retry-inputs.json': [
    {
      node: 'root',
      path: 'retry.rebind.values',
      message: '"hosts" is provided only by "list", which does not run before "root_retry"',
    },
  ],
  'many-problems.json': [
    { node: 'a', path: 'config.ms', message: 'expected number, got string' },
    { node: 'b', path: 'kind', message: `unknown kind "nope" (known kinds: ${KINDS})` },
    { node: 'g', path: 'links[0].extra', message: 'unknown field' },
    { node: 'a', path: 'name', message: 'the name "a" is already used by a task' },
  ],
};

describe('valid documents', () => {
  it.each(fixtureNames('valid'))('%s has no problems', (name) => {
    const r = readDocument(fixtureText('valid', name), name);
    expect(r.problems).toEqual([]);
    // The document is given back exactly as written: no defaults filled in, nothing dropped.
    expect(r.document).toStrictEqual(fixture('valid', name));
  });
});

describe('invalid documents: every problem at once, with its node and field', () => {
  it('every invalid fixture is listed here', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(fixtureNames('invalid'));
  });

  it.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    const r = readDocument(fixtureText('invalid', name), name);
    expect(r.document).toBeUndefined();
    expect(r.problems).toEqual(expected);
  });

  it('the example of the issue reads as written', () => {
    const [p] = validateDocument(fixture('invalid', 'missing-provider.json'));
    expect(formatProblem(p!, 'flows/add.json')).toBe(
      'flows/add.json: add.requires[1]: no task or input provides "y"',
    );
  });
});

describe('reading text', () => {
  it('malformed JSON is one problem with its line and column', () => {
    const r = readDocument('{\n  "format": "atomflow.flow/1",\n  "name": \n}', 'broken.json');
    expect(r.document).toBeUndefined();
    expect(r.problems).toEqual([
      { path: '', message: 'not valid JSON: expected a value, found "}" (line 4, column 1)' },
    ]);
    expect(formatProblem(r.problems[0]!, 'broken.json')).toBe(
      'broken.json: not valid JSON: expected a value, found "}" (line 4, column 1)',
    );
    expect(readDocument('{"a": 1,}').problems[0]!.message).toBe(
      'not valid JSON: expected a property name in double quotes, found "}" (line 1, column 9)',
    );
    expect(readDocument('').problems[0]!.message).toBe(
      'not valid JSON: expected a value, found the end of the text (line 1, column 1)',
    );
  });

  it('a value that is not an object at all', () => {
    expect(readDocument('[1, 2]').problems).toEqual([{ path: '', message: 'expected object, got array' }]);
    expect(validateDocument(null)).toEqual([{ path: '', message: 'expected object, got null' }]);
  });

  it('a document of another format names the format this version reads', () => {
    const problems = validateDocument({
      format: 'other/9',
      name: 'x',
      flow: { type: 'linear', name: 'r', children: [] },
    });
    expect(problems).toEqual([
      { path: 'format', message: `unknown format "other/9": this version reads "${FORMAT}" only` },
    ]);
  });

  it('__proto__ keys are refused wherever they are, and nothing is polluted', () => {
    const text = JSON.stringify({
      format: FORMAT,
      name: 'p',
      inputs: { deep: { list: [{ x: 1 }] } },
      flow: { type: 'linear', name: 'root', children: [] },
    }).replace('"x":1', '"__proto__":{"polluted":true}');
    const r = readDocument(text);
    expect(r.problems).toEqual([
      { path: 'inputs.deep.list[0].__proto__', message: '"__proto__" is a reserved name' },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a byte order mark before the JSON is accepted', () => {
    expect(readDocument(`\uFEFF${fixtureText('valid', 'minimal.flow.json')}`).problems).toEqual([]);
  });
});

/** Found by the document fuzzer (test/hardening/fuzz-documents.test.ts): each used to throw or to pass. */
describe('documents that used to break validation', () => {
  /** `levels` linear groups, one inside the other, around a noop task. */
  function nestedGroups(levels: number): unknown {
    let node: unknown = { type: 'task', name: 't', kind: 'noop' };
    for (let i = levels - 1; i >= 0; i--) node = { type: 'linear', name: `g${String(i)}`, children: [node] };
    return { format: FORMAT, name: 'deep', flow: node };
  }

  it('a document nested deeper than 512 levels is one problem at the node holding the deep part', () => {
    // 255 groups nest the task at level 512 (document 1, then node and children per group); 256 do not fit.
    expect(validateDocument(nestedGroups(255))).toEqual([]);
    const tooDeep = [
      { node: 'g255', path: 'children', message: 'nested deeper than 512 levels of objects and arrays' },
    ];
    expect(validateDocument(nestedGroups(256))).toEqual(tooDeep);
    expect(validateDocument(nestedGroups(5000))).toEqual(tooDeep);
    const text = `{"format": "${FORMAT}", "name": "d", "inputs": {"x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}, "flow": {"type": "linear", "name": "r", "children": []}}`;
    const [p, ...rest] = readDocument(text).problems;
    expect(rest).toEqual([]);
    expect(p).toEqual({
      path: `inputs.x${'[0]'.repeat(510)}`,
      message: 'nested deeper than 512 levels of objects and arrays',
    });
  });

  it('an object that contains itself is refused, not followed', () => {
    const flow: { type: string; name: string; children: unknown[] } = {
      type: 'linear',
      name: 'root',
      children: [],
    };
    flow.children.push(flow);
    expect(validateDocument({ format: FORMAT, name: 'd', flow })).toEqual([
      {
        node: 'root',
        path: 'children[0]',
        message: 'contains itself (an object that refers back to one it is inside): not JSON data',
      },
    ]);
  });

  it('a sparse list of children is a missing child, not a crash', () => {
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    const children = [, { type: 'task', name: 'a', kind: 'noop' }];
    expect(
      validateDocument({ format: FORMAT, name: 'd', flow: { type: 'linear', name: 'r', children } }),
    ).toEqual([{ node: 'r', path: 'children[0]', message: 'required' }]);
  });

  it('text of 100,000 unclosed brackets is not valid JSON, and reading it does not overflow the stack', () => {
    expect(readDocument(`{"format": "${FORMAT}", "flow": ${'['.repeat(100_000)}`).problems).toEqual([
      { path: '', message: 'not valid JSON: Unexpected end of JSON input' },
    ]);
  });

  it('names must be Unicode text: a lone surrogate cannot be stored as a run’s atom or flow name', () => {
    const text = `{"format": "${FORMAT}", "name": "d\\ud800", "flow": {"type": "linear", "name": "r", "children": [{"type": "task", "name": "a\\udc00", "kind": "noop"}]}}`;
    const message = 'a name must be Unicode text (this one has a lone surrogate)';
    expect(readDocument(text).problems).toEqual([
      { path: 'name', message },
      { node: 'a\udc00', path: 'name', message },
    ]);
    // Characters outside the basic plane (surrogate pairs) are text like any other.
    const emoji = { format: FORMAT, name: '👩‍💻', flow: { type: 'linear', name: 'r', children: [] } };
    expect(validateDocument(emoji)).toEqual([]);
  });

  it('a value a message cannot quote as it is (no prototype, a BigInt) is still reported, not thrown', () => {
    const task = (fields: Record<string, unknown>): unknown => ({
      format: FORMAT,
      name: 'd',
      flow: { type: 'linear', name: 'r', children: [{ type: 'task', name: 'a', ...fields }] },
    });
    expect(validateDocument(task({ kind: Object.create(null) as unknown }))).toEqual([
      { node: 'a', path: 'kind', message: `unknown kind "[object Object]" (known kinds: ${KINDS})` },
    ]);
    expect(validateDocument(task({ kind: 'http', config: { url: 'http://x.test/', method: 10n } }))).toEqual([
      {
        node: 'a',
        path: 'config.method',
        message:
          '"10" is not allowed: expected one of "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"',
      },
    ]);
  });

  it('symbols cannot be reserved keys (a value provided as "__proto__" was lost)', () => {
    const problems = validateDocument({
      format: FORMAT,
      name: 'd',
      flow: {
        type: 'linear',
        name: 'r',
        retry: { type: 'times', attempts: 2, provides: 'prototype' },
        children: [
          {
            type: 'task',
            name: 'a',
            kind: 'value',
            config: { value: { polluted: true } },
            provides: '__proto__',
          },
          { type: 'task', name: 'b', kind: 'noop', requires: ['constructor'] },
        ],
      },
    });
    expect(problems).toEqual([
      { node: 'r', path: 'retry.provides', message: '"prototype" is a reserved name' },
      { node: 'a', path: 'provides', message: '"__proto__" is a reserved name' },
      { node: 'b', path: 'requires[0]', message: '"constructor" is a reserved name' },
    ]);
  });
});

describe('formatProblem', () => {
  it('joins file, node, field and message, leaving out what is missing', () => {
    expect(formatProblem({ node: 'add', path: 'requires[1]', message: 'm' }, 'f.json')).toBe(
      'f.json: add.requires[1]: m',
    );
    expect(formatProblem({ node: 'add', path: 'requires[1]', message: 'm' })).toBe('add.requires[1]: m');
    expect(formatProblem({ path: 'format', message: 'm' }, 'f.json')).toBe('f.json: format: m');
    expect(formatProblem({ node: 'g', path: '', message: 'm' })).toBe('g: m');
    expect(formatProblem({ path: '', message: 'm' }, 'f.json')).toBe('f.json: m');
  });
});
