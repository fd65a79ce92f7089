import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'deploy',
    include: ['src/**/*.test.ts'],
    // Every test here drives an external tool (helm, promtool, tofu) or a real API server on a shared
    // 2-core machine: seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
