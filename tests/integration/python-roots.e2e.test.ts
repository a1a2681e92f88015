/**
 * CPython 3.14.5+ and 3.15 from a Debian root (PYTHON_ROOTS, built by .ci/python-roots.sh):
 * found as `--against` finds them, run under chroot, and equal to the simulator on every
 * shipped workload, as `gc-incident simulate W --python V --against V` says (exit 0).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findInterpreter } from '../../src/adapters/python/interpreters.js';
import { cli } from '../helpers/cli.js';
import { pythonRoots } from '../helpers/pythons.js';
import { REPO } from '../helpers/runbooks.js';

const roots = pythonRoots();
const root = roots.find(
  (r) => existsSync(join(r, 'usr/bin/python3.15')) && existsSync(join(r, 'usr/bin/python3.14')),
);
if (!root) {
  console.log(
    roots.length === 0
      ? 'PYTHON_ROOTS is not set: the Debian-root tests are skipped (build it with .ci/python-roots.sh and export PYTHON_ROOTS)'
      : `no python3.14 and python3.15 under PYTHON_ROOTS=${roots.join(':')}: the Debian-root tests are skipped (.ci/python-roots.sh builds it)`,
  );
}
const shipped = readdirSync(join(REPO, 'workloads')).filter((f) => f.endsWith('.yaml'));
const env = { PYTHON_ROOTS: root ?? '', PATH: process.env.PATH };
/** Neither PATH nor pyenv: only the roots are searched. */
const NO_SEARCH = { searchPath: undefined, pyenvRoot: undefined };

describe.skipIf(!root)('interpreters in a Debian root', () => {
  it('a version is found in the root and run under chroot', () => {
    const python = findInterpreter('3.15', NO_SEARCH, [root ?? '']);
    expect(python.path).toBe(join(root ?? '', 'usr/bin/python3.15'));
    expect(python.command.slice(-3)).toEqual(['chroot', root, '/usr/bin/python3.15']);
    expect(python.version).toMatch(/^3\.15\.[0-9]+$/);
    expect(python.modelled).toBe('3.15');
    expect(findInterpreter('3.14', NO_SEARCH, [root ?? '']).modelled).toBe('3.14');
  });

  it('a patch level matches only that release, and says what was found instead', () => {
    const found = findInterpreter('3.14', NO_SEARCH, [root ?? '']);
    expect(findInterpreter(found.version, NO_SEARCH, [root ?? '']).version).toBe(found.version);
    expect(() => findInterpreter('3.14.2', NO_SEARCH, [root ?? ''])).toThrow(
      `found only ${found.version} at ${found.path}`,
    );
  });

  it('a path inside the root runs under chroot too', () => {
    const python = findInterpreter(join(root ?? '', 'usr/bin/python3.15'), NO_SEARCH, [root ?? '']);
    expect(python.command).toContain('chroot');
    expect(python.modelled).toBe('3.15');
  });

  it('a root that does not exist is named, with how to build it', () => {
    expect(() => findInterpreter('3.15', NO_SEARCH, ['/no/such/root'])).toThrow(
      '/no/such/root does not exist (build it with .ci/python-roots.sh)',
    );
  });

  for (const version of ['3.15', '3.14.10']) {
    describe.concurrent(`gc-incident simulate --python ${version} --against ${version}`, () => {
      for (const file of shipped) {
        it(`${file}: exit 0, identical`, async () => {
          const against = findInterpreter(version.split('.').slice(0, 2).join('.'), NO_SEARCH, [root ?? '']);
          // The root's 3.14 is whatever Debian ships (3.14.10 when written): ask for that release.
          const asked = version === '3.14.10' ? against.version : version;
          const run = await cli(
            ['simulate', join(REPO, 'workloads', file), '--python', asked, '--against', asked],
            env,
          );
          expect(run.stderr).toBe('');
          expect(run.stdout).toContain(`CPython ${against.version} (${against.path})`);
          expect(run.stdout).toContain('identical');
          expect(run.code).toBe(0);
        });
      }
    });
  }

  it('--python that disagrees with the interpreter is a usage error', async () => {
    const run = await cli(
      ['simulate', join(REPO, 'workloads', shipped[0] ?? ''), '--python', '3.14.2', '--against', '3.15'],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--python 3.14.2 is modelled as 3.14-incremental, but');
  });
});
