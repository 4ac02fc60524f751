// Runs the whole test suite (unit, integration, e2e) with vitest and ends with the line
// "N passed, N failed" that CI reads. Extra arguments go to vitest (e.g. a file filter).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const report = 'test-results/vitest.json';
rmSync(report, { force: true });
const run = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });

let passed = 0;
let failed = 0;
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
