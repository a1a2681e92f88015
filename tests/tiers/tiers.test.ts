/**
 * The tier rule of docs/testing.md, checked on every test file: a fast-tier file neither waits on
 * the wall clock for more than 1 s at a time nor uses the helpers that start external processes
 * or reach PostgreSQL; an integration file (or a helper) that must wait longer says why in a
 * `// waits: <why>` comment on the line of the wait or just above it. Only one file builds dist/
 * (integration files run two at a time). The setup file that refuses child processes in the fast
 * tier is checked here too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/runbooks.js';
import {
  BUILDS_DIST,
  BUILDS_DIST_PATTERNS,
  INTEGRATION_ONLY,
  isIntegrationTest,
  longWaits,
} from './tiers.js';

function testSources(): string[] {
  return (readdirSync(join(REPO, 'tests'), { recursive: true }) as string[])
    .map((f) => join('tests', f).replaceAll('\\', '/'))
    .filter((f) => f.endsWith('.ts') && !f.startsWith('tests/fixtures/'))
    .sort();
}

describe('the tier rule', () => {
  it('classifies by directory and suffix', () => {
    expect(isIntegrationTest('tests/integration/fit.test.ts')).toBe(true);
    expect(isIntegrationTest('tests/parity/when.parity.test.ts')).toBe(true);
    expect(isIntegrationTest('tests/python/exporter.test.ts')).toBe(true);
    expect(isIntegrationTest('tests/slack/walk.e2e.test.ts')).toBe(true);
    expect(isIntegrationTest('tests/cli/drill.integration.test.ts')).toBe(true);
    expect(isIntegrationTest('tests/cli/walk.test.ts')).toBe(false);
    expect(isIntegrationTest('tests/unit/integration-notes.test.ts')).toBe(false);
  });

  it('finds a long wait, its duration, and whether it says why', () => {
    // Spelled through a variable so that this file's own source holds no literal wait.
    const t = 'setTimeout';
    const text = [
      `await new Promise((r) => ${t}(r, 6000));`,
      '// waits: Alertmanager groups for 2 s',
      `await new Promise((resolve) => ${t}(resolve, 2_500));`,
      `await ${t}(3 * 1000, 'x');`,
      `await ${'sleep'}(22_000);`,
      `await new Promise((r) => ${t}(r, 250));`,
      `const killer = ${t}(() => child.kill(), 15_000);`,
    ].join('\n');
    expect(longWaits(text)).toEqual([
      { line: 1, ms: 6000, explained: false },
      { line: 3, ms: 2500, explained: true },
      { line: 4, ms: 3000, explained: true },
      { line: 5, ms: 22000, explained: false },
    ]);
  });
});

describe('every test file keeps to its tier', () => {
  const files = testSources();

  it('finds the test files', () => {
    expect(files.filter((f) => f.endsWith('.test.ts')).length).toBeGreaterThan(50);
  });

  it.each(files.filter((f) => f.endsWith('.test.ts') && !isIntegrationTest(f)))(
    '%s (fast) neither waits over 1 s nor starts external processes',
    (file) => {
      const text = readFileSync(join(REPO, file), 'utf8');
      expect(longWaits(text), 'a fast test waits on the wall clock: inject a clock').toEqual([]);
      const used = INTEGRATION_ONLY.filter((p) => p.test(text)).map(String);
      expect(used, 'this starts a process or reaches PostgreSQL: rename it *.integration.test.ts').toEqual(
        [],
      );
    },
  );

  it.each(files.filter((f) => isIntegrationTest(f) || !f.endsWith('.test.ts')))(
    '%s says why wherever it waits over 1 s',
    (file) => {
      const text = readFileSync(join(REPO, file), 'utf8');
      const unexplained = longWaits(text).filter((w) => !w.explained);
      expect(unexplained, `${relative(REPO, file)}: add a '// waits: <why>' comment`).toEqual([]);
    },
  );
});

describe('one test file builds dist/', () => {
  const builds = (text: string) => BUILDS_DIST_PATTERNS.some((p) => p.test(text));

  it('the check finds a build, a tsc into dist/ and a pack', () => {
    // Spelled through variables so that this file's own source starts no build.
    const [run, build, pack] = ['run', 'build', 'pack'];
    expect(builds(`execFileSync(npm, ['${run}', '${build}'], { cwd: REPO });`)).toBe(true);
    expect(builds(`execFileSync(npm, ["${pack}", '--json']);`)).toBe(true);
    expect(builds(`[tsc, '-p', 'tsconfig.${build}.json']`)).toBe(true);
    expect(builds("execFileSync(npm, ['ci', '--offline']); // runs the build")).toBe(false);
  });

  it(`only ${BUILDS_DIST} does: integration files run two at a time, and two builds would write the same files`, () => {
    const building = testSources().filter(
      (f) => !f.startsWith('tests/tiers/') && builds(readFileSync(join(REPO, f), 'utf8')),
    );
    expect(building).toEqual([BUILDS_DIST]);
  });
});

describe('the fast tier refuses external processes', () => {
  it('starting another program throws, naming it and the rule', () => {
    expect(() => execFileSync('/bin/true')).toThrow(
      /fast test tier starts no external process.*"\/bin\/true"/,
    );
    expect(() => spawnSync('python3', ['-c', 'pass'])).toThrow(/integration\.test\.ts/);
  });

  it('Node itself still runs', () => {
    const run = spawnSync(process.execPath, ['-e', 'console.log(6 * 7)'], { encoding: 'utf8' });
    expect(run.stdout.trim()).toBe('42');
  });
});
