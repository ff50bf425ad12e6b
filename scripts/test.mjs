#!/usr/bin/env node
// `npm test`: every check the project has, then one closing line `N passed, N failed`
// (totals over all suites) because CI reads that line, not vitest's summary.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const tmp = join(root, '.tmp');
mkdirSync(tmp, { recursive: true });

let passed = 0;
let failed = 0;

/** A whole-tree check counts as one test: it passes or it fails. */
function check(label, cmd, args) {
  process.stdout.write(`\n== ${label}: ${[cmd, ...args].join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status === 0) passed += 1;
  else failed += 1;
}

check('lint (includes the engine import rule)', bin('eslint'), ['.']);
check('typecheck', bin('tsc'), ['-p', '.']);
check('format', bin('prettier'), ['--check', '.', '--log-level', 'warn']);

const report = join(tmp, 'vitest-report.json');
rmSync(report, { force: true });
process.stdout.write('\n== unit and conformance tests: vitest run\n');
const v = spawnSync(
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  { cwd: root, stdio: 'inherit' },
);
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A suite that fails to load has no tests to count; count it as a failure.
  failed += r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
} catch {
  failed += 1;
}
if (v.status !== 0 && failed === 0) failed += 1;

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
