// Runs the whole test suite and ends with the line "N passed, N failed" that CI reads:
// first the checks that are not vitest tests (each counted as one test, by its name), then
// unit, integration and e2e with vitest. Extra arguments go to vitest (e.g. a file filter);
// with a filter the checks are left out, as the run is about those files.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

/** Checks run before vitest: name shown in the summary, and the command. */
const STEPS = [
  { name: 'lint: eslint over the whole tree', command: ['npx', 'eslint', '.'] },
  { name: 'format: prettier --check', command: ['npx', 'prettier', '--check', '.'] },
];

let passed = 0;
let failed = 0;
const filtered = process.argv.length > 2;
for (const step of filtered ? [] : STEPS) {
  console.log(`\n▶ ${step.name}`);
  const run = spawnSync(step.command[0], step.command.slice(1), { stdio: 'inherit' });
  if (run.status === 0) {
    passed += 1;
    console.log(`✓ ${step.name}`);
  } else {
    failed += 1;
    console.log(`✗ ${step.name} (exit ${run.status ?? run.signal})`);
  }
}

const report = 'test-results/vitest.json';
rmSync(report, { force: true });
const run = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });

try {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  for (const file of result.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'passed') passed += 1;
      else failed += 1; // failed, skipped, todo and pending all count against the run
    }
    // A file that failed to load has no assertion results: count it as a failure.
    if ((file.assertionResults ?? []).length === 0 && file.status === 'failed') failed += 1;
  }
} catch (error) {
  console.error(`test summary: cannot read ${report}: ${error.message}`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
