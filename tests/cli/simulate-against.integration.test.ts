/**
 * `gc-incident simulate --against`: the model beside a real CPython run (and beside a stand-in
 * interpreter that disagrees). Integration tier: it starts the interpreters.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { installedPythons } from '../helpers/pythons.js';
import { REPO } from '../helpers/runbooks.js';

const w01 = join(REPO, 'tests/fixtures/workloads/w01-ring2.yaml');
const tmp = () => mkdtempSync(join(tmpdir(), 'gc-incident-sim-'));
const { found } = installedPythons();
if (found.length === 0) console.log('no CPython found: simulate --against a real interpreter skipped');

describe('gc-incident simulate', () => {
  describe.skipIf(found.length === 0)('--against a real interpreter', () => {
    it('prints both side by side and exits 0 when identical', async () => {
      const python = found[found.length - 1];
      const run = await cli(['simulate', w01, '--against', python?.path ?? '']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/gen 0 collections\s+\d+\s+\d+/);
      expect(run.stdout).toContain('identical');
    });

    it('accepts a version found with pyenv', async () => {
      const version = found[0]?.modelled ?? '3.12';
      const run = await cli(['simulate', w01, '--against', version]);
      expect(run.code).toBe(0);
    });

    it('--json reports both results and whether they are identical', async () => {
      const run = await cli(['simulate', w01, '--against', found[0]?.path ?? '', '--json']);
      const out = JSON.parse(run.stdout) as {
        identical: boolean;
        cpython: { stats: unknown };
        simulator: { stats: unknown };
      };
      expect(out.identical).toBe(true);
      expect(out.cpython.stats).toEqual(out.simulator.stats);
    });

    it('a missing interpreter is a clear error', async () => {
      const run = await cli(['simulate', w01, '--against', '/no/such/python']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('[PYTHON_NOT_FOUND]');
    });
  });
});

describe('--against when CPython disagrees', () => {
  it('prints the differences and exits 1', async () => {
    // A stand-in interpreter: it answers the version probe as CPython 3.12.1 would, then reports
    // numbers that differ from the model, the way a patched or misbehaving interpreter would.
    const dir = tmp();
    const fake = join(dir, 'python3.12');
    const stats = JSON.stringify({
      stats: [
        { collections: 1, collected: 2, uncollectable: 0 },
        { collections: 0, collected: 0, uncollectable: 0 },
        { collections: 0, collected: 0, uncollectable: 0 },
      ],
      count: [0, 0, 0],
      garbage: 0,
      python: '3.12.1',
    });
    writeFileSync(
      fake,
      `#!/bin/sh\nif [ "$3" = "-c" ]; then echo "cpython 3.12.1 0"; else cat >/dev/null; echo '${stats}'; fi\n`,
      {
        mode: 0o755,
      },
    );
    const run = await cli(['simulate', w01, '--against', fake]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/gen 0 collections\s+1\s+\d+\s+DIFFERENT/);
    expect(run.stdout).toContain('the simulator and CPython disagree');
  });
});
