/**
 * The built package, as users run it, in one file that builds dist/ once:
 *
 * - the repository's own entry point (bin/gc-incident.js, which loads dist/) run as a separate
 *   Node process;
 * - the package as a user gets it: `npm pack`, the tarball installed into an empty folder, and
 *   the commands run from there with no runbooks of the user's own (the shipped ones are used).
 *   The install is `npm ci --offline` from a lockfile made of this repository's own lock entries:
 *   the same versions the suite tested, taken from the npm cache that `npm ci` filled, with no
 *   registry round trip. Install scripts are skipped: better-sqlite3's native build takes a
 *   minute and none of these commands opens the store (the container smoke test builds it).
 *   `gc-incident test` needs Debian's promtool and prometheus; without them that one run is
 *   skipped, with the reason printed.
 *
 * This is the only test file that writes dist/ (the build) or runs npm, so it runs in the
 * integration project beside the others; two files that each built dist/ had to run one at a
 * time in a project of their own, after the rest of the suite (docs/testing.md).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/adapters/lab/lab.js';
import { startMcp } from '../helpers/mcp-process.js';
import { REPO } from '../helpers/runbooks.js';

const noEngine =
  findExecutable('promtool', process.env.PATH) && findExecutable('prometheus', process.env.PATH)
    ? undefined
    : 'promtool or prometheus not installed (apt-get install prometheus): gc-incident test from the package skipped';
if (noEngine) console.log(noEngine);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/**
 * npm at a lower CPU priority (`nice -n 10`, where there is one): the build and the install run
 * beside other integration files whose services are timed (pauses, verification windows), and
 * only this file waits for them.
 */
const [npmLow, ...npmLowArgs] = process.platform === 'win32' ? [npm] : ['nice', '-n', '10', npm];
const lowNpm = (args: string[], options: Parameters<typeof execFileSync>[2]) =>
  execFileSync(npmLow as string, [...npmLowArgs, ...args], options);

beforeAll(() => {
  // The whole build, as `npm install` runs it: tsc, then the precompiled schema validators. The
  // bin loads dist/, and `npm pack` packs it: both check the current sources.
  lowNpm(['run', 'build'], { cwd: REPO, stdio: 'pipe' });
}, 300_000);

describe('bin/gc-incident.js', () => {
  const bin = join(REPO, 'bin', 'gc-incident.js');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { cwd: REPO, encoding: 'utf8' });

  it('--help lists every subcommand', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('validate');
    expect(r.stdout).toContain('runbooks');
  });

  it.each([
    'validate',
    'runbooks',
    'simulate',
    'repro',
    'calibrate',
    'walk',
    'incidents',
    'show',
    'query',
    'check',
    'rules',
    'test',
    'mcp',
  ])('%s --help works', (command) => {
    const r = run(command, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Usage: gc-incident ${command}`);
  });

  it('validate runbooks exits 0 from the repository root', () => {
    const r = run('validate', 'runbooks');
    expect(r.status).toBe(0);
  });

  it('the compiled worker runs a simulation off the main thread', async () => {
    const { runSimulationInWorker } = (await import(
      join(REPO, 'dist/adapters/simulator/worker-runner.js')
    )) as typeof import('../../src/adapters/simulator/worker-runner.js');
    const { normalizeWorkload } = await import('../../src/core/simulator/workload.js');
    const result = await runSimulationInWorker(
      normalizeWorkload({ python: '3.12', iterations: 1000, each_iteration: [{ cycle: { size: 2 } }] }),
    );
    expect(result.stats[0]?.collections).toBeGreaterThan(0);
  });

  it('an unknown command is a usage error with no stack trace', () => {
    const r = run('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('mcp over the built entry point: the SDK imports resolve from dist/ and a simulation runs in its worker', async () => {
    const session = await startMcp({}, [bin, 'mcp']);
    try {
      const { tools } = await session.client.listTools();
      expect(tools.map((t) => t.name)).toContain('simulate');
      const result = await session.client.callTool({
        name: 'simulate',
        arguments: { workload: 'full-collection-latency', whatIf: ['freeze'], objective: 'longest-pause' },
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ best: 'freeze' });
    } finally {
      await session.close();
    }
  });
});

describe('the packed package, installed into an empty folder', () => {
  let work = '';
  let project = '';
  let packed: string[] = [];

  function gcIncident(...args: string[]) {
    return spawnSync(
      process.execPath,
      [join(project, 'node_modules/gc-incident/bin/gc-incident.js'), ...args],
      {
        cwd: project,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
      },
    );
  }

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'gc-incident-pack-'));
    const out = execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: REPO,
      encoding: 'utf8',
    });
    const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    if (!info) throw new Error('npm pack printed no result');
    packed = info.files.map((f) => f.path);
    project = join(work, 'project');
    mkdirSync(project);
    const tarball = `file:../${info.filename}`;
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8'));
    const packages: Record<string, unknown> = {
      '': { name: 'project', dependencies: { 'gc-incident': tarball } },
      'node_modules/gc-incident': {
        version: pkg.version,
        resolved: tarball,
        dependencies: pkg.dependencies,
        bin: pkg.bin,
        engines: pkg.engines,
      },
    };
    for (const [path, entry] of Object.entries(lock.packages as Record<string, { dev?: boolean }>)) {
      if (path !== '' && !entry.dev) packages[path] = entry;
    }
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'project', private: true, dependencies: { 'gc-incident': tarball } }),
    );
    writeFileSync(
      join(project, 'package-lock.json'),
      JSON.stringify({ name: 'project', lockfileVersion: 3, requires: true, packages }),
    );
    lowNpm(['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: project,
      stdio: 'pipe',
    });
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds the built JavaScript and the shipped content, and no sources, tests or maps', () => {
    for (const needed of [
      'bin/gc-incident.js',
      'dist/cli/main.js',
      'dist/adapters/fs/precompiled-schemas.cjs',
      'schemas/runbook.schema.json',
      'runbooks/gc-thrash-allocation-churn.yaml',
      'workloads/full-collection-latency.yaml',
      'service/gc_service.py',
      'manifest.yml',
      'LICENSE',
      'CHANGELOG.md',
      'README.md',
      'package.json',
    ]) {
      expect(packed).toContain(needed);
    }
    expect(packed.filter((f) => /^(src|tests|benchmarks|\.ci)\/|\.map$|\.ts$/.test(f))).toEqual([]);
  });

  it('runbooks lists the six shipped runbooks and says they are the shipped ones', () => {
    const r = gcIncident('runbooks', '--json');
    expect(r.status).toBe(0);
    expect(
      (JSON.parse(r.stdout) as { id: string; shipped: boolean }[]).filter((x) => x.shipped),
    ).toHaveLength(6);
    expect(r.stderr).toContain('using the 6 runbooks shipped with gc-incident');
  });

  it('validate checks the shipped runbooks', () => {
    const r = gcIncident('validate');
    expect(r.stderr).toMatch(/6 files checked, no problems found/);
    expect(r.status).toBe(0);
  });

  it("validate uses the precompiled schema validators: it runs with Ajv's compiler gone", () => {
    const compiler = join(project, 'node_modules/ajv/dist/2020.js');
    renameSync(compiler, `${compiler}.hidden`);
    try {
      const r = gcIncident('validate');
      expect(r.stderr).toMatch(/6 files checked, no problems found/);
      expect(r.status).toBe(0);
    } finally {
      renameSync(`${compiler}.hidden`, compiler);
    }
  });

  it('simulate runs a shipped runbook step and a shipped workload', () => {
    const step = gcIncident('simulate', 'gc-thrash-allocation-churn:simulate-churn');
    expect(step.status).toBe(0);
    expect(step.stdout).toMatch(/threshold=10000,10,10/);
    const file = gcIncident(
      'simulate',
      join(project, 'node_modules/gc-incident/workloads/full-collection-latency.yaml'),
    );
    expect(file.status).toBe(0);
  });

  it('init writes a runbook repository, after which its runbook wins over the shipped ones', () => {
    const r = gcIncident('init');
    expect(r.status).toBe(0);
    expect(existsSync(join(project, '.github/workflows/runbooks.yml'))).toBe(true);
    expect(readdirSync(join(project, 'runbooks'))).toContain('my-service-gc-thrash.yaml');
    const validated = gcIncident('validate');
    expect(validated.stderr).toMatch(/1 file(s)? checked, no problems found/);
    expect(validated.status).toBe(0);
    const listed = gcIncident('runbooks', '--json');
    expect(listed.stderr).not.toContain('shipped with');
    const ids = (JSON.parse(listed.stdout) as { id: string }[]).map((x) => x.id);
    expect(ids).toContain('my-service-gc-thrash');
    expect(ids).toHaveLength(7);
    if (noEngine) return;
    const tested = gcIncident('test');
    expect(tested.stdout).toContain('ok   runbooks/tests/my-service-gc-thrash.test.yaml');
    expect(tested.stderr).toMatch(/1 test file, \d+ cases: \d+ passed, 0 failed/);
    expect(tested.status).toBe(0);
  });
});
