import { defineProject } from 'vitest/config';

// Real servers start in these tests (the Kubernetes control plane takes ~10-20 s), so timeouts are generous.
export default defineProject({
  test: {
    name: 'testkit',
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
