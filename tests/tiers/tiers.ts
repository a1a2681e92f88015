/**
 * The two test tiers, by path alone, so a new test file lands in one without anyone editing
 * vitest.config.ts. A file belongs to the integration tier when it starts a process other than
 * Node (Prometheus, VictoriaMetrics, Alertmanager, promtool, CPython, Chromium, podman, npm) or
 * reaches PostgreSQL, or when it waits on real time; every other test file is fast.
 * docs/testing.md states the rule; tests/tiers/tiers.test.ts enforces it.
 */

/** Directories whose tests are integration tests, and the file suffixes that mark one elsewhere. */
export const INTEGRATION_GLOBS = [
  'tests/integration/**/*.test.ts',
  'tests/parity/**/*.test.ts',
  'tests/python/**/*.test.ts',
  'tests/**/*.e2e.test.ts',
  'tests/**/*.integration.test.ts',
] as const;

/**
 * The one test file that writes dist/ (`npm run build`) and runs npm (`npm pack`, `npm ci`): the
 * bin's tests and the package's share its build. Two files that each build would write the same
 * files at once; `tests/tiers/tiers.test.ts` fails when another test file starts a build.
 */
export const BUILDS_DIST = 'tests/integration/built-package.test.ts';

/** What starts a build into dist/ or packs it, in a test file's text. */
export const BUILDS_DIST_PATTERNS = [
  /tsconfig\.build/,
  /typescript\/bin\/tsc/,
  /\[\s*['"]run['"],\s*['"]build['"]/,
  /\[\s*['"]pack['"]/,
  /precompile-schemas\.ts['"]/,
];

export const ALL_TESTS_GLOB = 'tests/**/*.test.ts';

/** The same rule as INTEGRATION_GLOBS, for a repository-relative path with forward slashes. */
export function isIntegrationTest(path: string): boolean {
  return (
    /^tests\/(integration|parity|python)\//.test(path) ||
    path.endsWith('.e2e.test.ts') ||
    path.endsWith('.integration.test.ts')
  );
}

/**
 * Per-test and per-hook limits: hang detectors, not speed targets (the tier rule and the wait
 * check keep the fast tier fast). The fast tier's allows for a 2-core machine shared by several
 * runs: its most CPU-bound test (150 random workloads through the simulator, 11 s of CPU) took
 * over 30 s at load average 17.
 */
export const FAST_TIMEOUT_MS = 60_000;
/** Integration tests start real servers on a shared 2-core machine: their hooks start processes. */
export const INTEGRATION_TIMEOUT_MS = 120_000;

const ONE_SECOND_MS = 1000;
/** How many lines above a wait its `// waits:` comment may stand. */
const COMMENT_REACH = 2;

/**
 * Waits with a literal duration (underscores and products of literals allowed): a promise resolved
 * by setTimeout with `r`/`res`/`resolve` as its callback, timers/promises' setTimeout with the
 * duration first, and sleep or delay helpers. A timer whose callback does something else (a
 * deadline, cleared when the awaited thing happens) is not a wait and is not matched.
 */
const WAIT_PATTERNS = [
  /\bsetTimeout\(\s*(?:r|res|resolve)\s*,\s*([\d_]+(?:\s*\*\s*[\d_]+)*)\s*\)/g,
  /\bsetTimeout\(\s*([\d_]+(?:\s*\*\s*[\d_]+)*)\s*[,)]/g,
  /\b(?:sleep|delay)\(\s*([\d_]+(?:\s*\*\s*[\d_]+)*)\s*\)/g,
];

export interface Wait {
  readonly line: number;
  readonly ms: number;
  readonly explained: boolean;
}

/** The literal waits over 1 s in a file's text, and whether each carries a `// waits:` comment. */
export function longWaits(text: string): Wait[] {
  const lines = text.split('\n');
  const waits: Wait[] = [];
  lines.forEach((line, index) => {
    for (const pattern of WAIT_PATTERNS) {
      for (const match of line.matchAll(pattern)) {
        const ms = (match[1] ?? '0')
          .split('*')
          .map((factor) => Number(factor.replaceAll('_', '').trim()))
          .reduce((a, b) => a * b, 1);
        if (ms <= ONE_SECOND_MS) continue;
        const around = lines.slice(Math.max(0, index - COMMENT_REACH), index + 1);
        waits.push({ line: index + 1, ms, explained: around.some((l) => /\/\/ waits: \S/.test(l)) });
      }
    }
  });
  return waits;
}

/** Imports that start an external process or reach PostgreSQL: integration-tier only. */
export const INTEGRATION_ONLY = [
  /helpers\/(lab|alert-lab|app-process|real-app|prometheus-jobs|pythons|drill|reminder-process|burst-process)\.js'/,
  /adapters\/(lab\/lab|python\/interpreters|store\/postgres-store)\.js'/,
  /\b(postgresFactory|postgresReachable|PG_URL)\b/,
];
