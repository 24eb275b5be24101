import os from 'node:os';
import { defineConfig } from 'vitest/config';

// Four projects: pure unit tables beside the code, integration tests on the store
// (PGlite by default, PostgreSQL when TEST_DATABASE_URL is set), HTTP end-to-end
// tests, and browser tests (Debian chromium; run with `npm run test:browser`).
export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core CI
    // machine, idle while a test waits on PostgreSQL or a child process. Two at least.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    projects: [
      // Bounds are generous: a test that fails because the machine is busy is a defect (waits are for
      // a condition, never a fixed sleep), so the timeouts only stop a test that hangs.
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'packages/*/src/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 30_000 } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 } },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          // The console as built from the current sources.
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 300_000, // a page walk with axe at two widths takes minutes on a loaded machine
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
