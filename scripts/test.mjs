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
let skipped = 0;

/** A whole-tree check counts as one test: it passes or it fails. */
function check(label, cmd, args) {
  process.stdout.write(`\n== ${label}: ${[cmd, ...args].join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status === 0) passed += 1;
  else failed += 1;
}

check('lint (includes the engine import rule)', bin('eslint'), ['.']);
check('typecheck', bin('tsc'), ['-p', '.']);
check('typecheck the renderer alone (DOM, no Node types)', bin('tsc'), ['-p', 'renderer']);
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
  skipped += r.numPendingTests + r.numTodoTests;
  // A suite that fails to load has no tests to count; count it as a failure.
  failed += r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
} catch {
  failed += 1;
}
if (v.status !== 0 && failed === 0) failed += 1;

// End-to-end: Playwright drives Debian's Chromium against `atomflow serve` (its global set-up builds the
// renderer when needed and starts the host). Skipped specs (Electron without its binary) are not failures.
const e2eReport = join(tmp, 'playwright-report.json');
rmSync(e2eReport, { force: true });
process.stdout.write('\n== end-to-end tests: playwright test\n');
const failedBefore = failed;
const e = spawnSync(bin('playwright'), ['test', '--reporter=list,json'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_FILE: e2eReport },
});
try {
  const r = JSON.parse(readFileSync(e2eReport, 'utf8'));
  passed += r.stats.expected + r.stats.flaky;
  failed += r.stats.unexpected;
  skipped += r.stats.skipped;
  // Errors outside any test (the global set-up, a spec that fails to load) count as failures.
  failed += (r.errors ?? []).length;
  // Say why each skipped spec was skipped (the list reporter does not).
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        if (t.status !== 'skipped') continue;
        const why = t.annotations.filter((a) => a.type === 'skip').map((a) => a.description);
        console.log(`skipped: ${spec.file} › ${spec.title}${why.length > 0 ? ` — ${why.join('; ')}` : ''}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of r.suites ?? []) walk(suite);
} catch {
  failed += 1;
}
if (e.status !== 0 && failed === failedBefore) failed += 1;

// Skips are said on a line of their own: CI reads the last line, which is exactly `N passed, N failed`.
console.log(`\n${skipped} skipped (each with its reason above)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
