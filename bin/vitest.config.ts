import { defineProject } from 'vitest/config';

// llmctl's end-to-end suite starts versitygw and DynamoDB Local (installed once by the global setup).
export default defineProject({
  test: {
    name: 'bin',
    include: ['*.test.ts'],
    globalSetup: ['../registry/src/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
