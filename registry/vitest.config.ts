import { defineProject } from 'vitest/config';

// Real-server suites (*.e2e.test.ts) start versitygw and DynamoDB Local per file; the global setup installs
// them once first.
export default defineProject({
  test: {
    name: 'registry',
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
    globalSetup: ['src/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
