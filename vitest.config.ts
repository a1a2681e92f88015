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
          // Two files at once: most of an integration file's time is its services' and CPython's,
          // and one file at a time left a core idle (10 min 28 s for `npm test`, docs/testing.md).
          // One file alone writes dist/ (BUILDS_DIST in tests/tiers/tiers.ts), so none waits for it.
          maxWorkers: 2,
          testTimeout: INTEGRATION_TIMEOUT_MS,
          hookTimeout: INTEGRATION_TIMEOUT_MS,
        },
      },
    ],
  },
});
