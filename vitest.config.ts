import { configDefaults, defineConfig } from 'vitest/config';
import SuiteSequencer from './tests/tiers/sequencer.js';
import {
  ALL_TESTS_GLOB,
  FAST_TIMEOUT_MS,
  INTEGRATION_GLOBS,
  INTEGRATION_TIMEOUT_MS,
} from './tests/tiers/tiers.js';

// Two tiers (docs/testing.md): `npm run test:fast` runs the first, `npm test` both.
export default defineConfig({
  test: {
    // Three files at once on the 2-core machine, both tiers in one pool: the longest integration
    // files mostly wait (on real services, scrapes and windows), and with two workers a core sat idle
    // for a fifth of `npm test` (docs/testing.md). Vitest's default, one fewer than the cores, is 1.
    maxWorkers: 3,
    // The integration tier first, longest first, then the fast tier (tests/tiers/sequencer.ts), so the
    // short files fill the cores around the long ones instead of one long file running alone at the end.
    sequence: { sequencer: SuiteSequencer },
    // The worker threads' modules and the helpers run as processes, bundled once per run: a worker
    // from the sources then loads in under 0.1 s of CPU instead of 0.3–0.5 s through tsx (the suite
    // starts about 140), a helper process in about 1 s less (tests/tiers/bundles.ts).
    globalSetup: ['tests/tiers/global-setup.ts'],
    projects: [
      {
        test: {
          name: 'fast',
          include: [ALL_TESTS_GLOB],
          exclude: [...configDefaults.exclude, ...INTEGRATION_GLOBS],
          // Refuses any child process but Node itself, so a fast test cannot start Prometheus & co.
          setupFiles: ['tests/tiers/no-external-processes.ts', 'tests/tiers/use-worker-bundles.ts'],
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
          setupFiles: ['tests/tiers/use-worker-bundles.ts'],
          // One file alone writes dist/ (BUILDS_DIST in tests/tiers/tiers.ts), so none waits for it.
          isolate: false,
          testTimeout: INTEGRATION_TIMEOUT_MS,
          hookTimeout: INTEGRATION_TIMEOUT_MS,
        },
      },
    ],
  },
});
