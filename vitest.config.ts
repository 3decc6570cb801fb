import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Files share worker processes: importing the app costs each file ~1 s, a third of the suite's
    // time (9m14s → 6m on this machine, docs/development.md). What a file leaves process-wide is
    // reset by test/helpers/per-file.ts.
    isolate: false,
    setupFiles: ['test/helpers/per-file.ts'],
    // Two cores: two test files at a time; heavy files (child processes) take one each.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll's default of 1 s is less than a console page takes to load and fetch on a busy
    // two-core machine (a browser test failed on it in CI); what a poll waits for still must come.
    expect: { poll: { timeout: 10_000 } },
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
