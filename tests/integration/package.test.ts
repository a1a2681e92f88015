/**
 * The package as a user gets it: `npm pack`, the tarball installed into an empty folder, and
 * the commands run from there with no runbooks of the user's own (the shipped ones are used).
 * The install is `npm ci --offline` from a lockfile made of this repository's own lock entries:
 * the same versions the suite tested, taken from the npm cache that `npm ci` filled, with no
 * registry round trip. Install scripts are skipped: better-sqlite3's native build takes a
 * minute and none of these commands opens the store (the container smoke test builds it).
 * `gc-incident test` needs Debian's promtool and prometheus; without them that one run is
 * skipped, with the reason printed.
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
import { REPO } from '../helpers/runbooks.js';

const noEngine =
  findExecutable('promtool', process.env.PATH) && findExecutable('prometheus', process.env.PATH)
    ? undefined
    : 'promtool or prometheus not installed (apt-get install prometheus): gc-incident test from the package skipped';
if (noEngine) console.log(noEngine);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
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
  // The whole build, as `npm install` runs it: tsc, then the precompiled schema validators.
  execFileSync(npm, ['run', 'build'], { cwd: REPO, stdio: 'pipe' });
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
  execFileSync(npm, ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: project,
    stdio: 'pipe',
  });
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package, installed into an empty folder', () => {
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
