import { defineConfig } from 'vitest/config';

// One runner for unit, integration (real Kamailio) and e2e (Playwright + Debian's Chromium).
// Files run in separate processes, two at a time (the machine has two cores); each test file
// starts its own servers on free ports, so files never share state.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The renderer and the Electron bundles are built once, before any file runs: files run in
    // parallel and must not rebuild dist/ under each other.
    globalSetup: ['test/support/build-renderer.ts', 'test/support/build-electron.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
