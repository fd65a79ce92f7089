import { defineProject } from 'vitest/config';

// Unit tests use an in-memory API server over HTTP; *.e2e.test.ts run against the testkit's real
// cluster (kube-apiserver, kwok, KEDA) and need the generous timeouts.
export default defineProject({
  test: {
    name: 'operator',
    include: ['src/**/*.test.ts'],
    testTimeout: 150_000,
    hookTimeout: 180_000,
  },
});
