import { defineConfig } from 'vitest/config';

// Each workspace owns its vitest.config.ts (defineProject); this root only lists them.
export default defineConfig({
  test: {
    projects: ['./*/vitest.config.ts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
