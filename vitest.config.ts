import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration suites start real servers (a JVM each); forks keep their child processes isolated.
    pool: 'forks',
    // Vitest's default is one worker less than the cores: one on a 2-core machine. The integration suites
    // mostly wait on their servers, so two files at a time nearly halve the suite's time there.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
