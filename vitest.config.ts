import { configDefaults, defineConfig } from 'vitest/config';
import {
  ALL_TESTS_GLOB,
  FAST_TIMEOUT_MS,
  INTEGRATION_GLOBS,
  INTEGRATION_TIMEOUT_MS,
} from './tests/tiers/tiers.js';

// Two tiers (docs/testing.md): `npm run test:fast` runs the first, `npm test` both.
export default defineConfig({
  test: {
    // Vitest's default is one fewer than the cores: a single worker on the 2-core machine.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'fast',
          include: [ALL_TESTS_GLOB],
          exclude: [...configDefaults.exclude, ...INTEGRATION_GLOBS],
          // Refuses any child process but Node itself, so a fast test cannot start Prometheus & co.
          setupFiles: ['tests/tiers/no-external-processes.ts'],
          // One module graph per worker instead of per file: most of the tier's time was imports.
          isolate: false,
          testTimeout: FAST_TIMEOUT_MS,
          hookTimeout: FAST_TIMEOUT_MS,
        },
      },
      {
        test: {
          name: 'integration',
          include: [...INTEGRATION_GLOBS],
          // One file at a time, as before the tiers: bin.integration and package both build dist/,
          // and at load average 25 two files at once (each with its services and Prometheus) ran
          // the parity and walk.e2e tests past their timeouts (docs/testing.md).
          maxWorkers: 1,
          testTimeout: INTEGRATION_TIMEOUT_MS,
          hookTimeout: INTEGRATION_TIMEOUT_MS,
        },
      },
    ],
  },
});
