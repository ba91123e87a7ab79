import { createLogger } from 'vite';
import { defineConfig } from 'vitest/config';

// Some dependencies (@uniswap/*) ship source maps that point at files they do not publish; Vite
// warns once per module, which buried real output. Only that warning is dropped.
const logger = createLogger();
const missingSources = /Sourcemap for ".*" points to missing source files/;
const warn = logger.warn.bind(logger);
const warnOnce = logger.warnOnce.bind(logger);
logger.warn = (msg, opts) => (missingSources.test(msg) ? undefined : warn(msg, opts));
logger.warnOnce = (msg, opts) => (missingSources.test(msg) ? undefined : warnOnce(msg, opts));

export default defineConfig({
  customLogger: logger,
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: the suite must pass while both cores are busy with something else.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    // Tests must leave the working tree as they found it (checked after the run).
    globalSetup: ['test/helpers/tree-guard.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
