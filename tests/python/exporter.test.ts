/**
 * python/gc_incident_exporter.py on every CPython found: Debian's python3 and pyenv's 3.8 to 3.13.
 * The tests themselves are Python (tests/python/test_gc_incident_exporter.py); pyenv interpreters
 * are lent Debian's prometheus_client through PYTHONPATH, as the drill does.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { lendPrometheusClient } from '../../src/adapters/lab/lab.js';
import { installedPythons } from '../helpers/pythons.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const DEBIAN_PYTHON = '/usr/bin/python3';
const work = mkdtempSync(join(tmpdir(), 'gc-exporter-test-'));
const lent = existsSync(DEBIAN_PYTHON) ? lendPrometheusClient(DEBIAN_PYTHON, join(work, 'site')) : undefined;

const interpreters: { name: string; path: string; pythonPath: string[] }[] = [];
if (existsSync(DEBIAN_PYTHON))
  interpreters.push({ name: 'Debian python3', path: DEBIAN_PYTHON, pythonPath: [] });
else console.log(`${DEBIAN_PYTHON} not found: the exporter runs on pyenv's interpreters only`);
for (const found of installedPythons().found) {
  interpreters.push({ name: `CPython ${found.version}`, path: found.path, pythonPath: lent ? [lent] : [] });
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('gc_incident_exporter.py', () => {
  it('has interpreters to run on', () => {
    expect(interpreters.length).toBeGreaterThan(0);
  });

  for (const python of interpreters) {
    it(`passes its tests on ${python.name}`, { timeout: 120_000 }, async () => {
      const env = {
        ...process.env,
        PYTHONPATH: [join(ROOT, 'python'), ...python.pythonPath].join(':'),
        GC_EXPORTER_DEADLOCK_SECONDS: process.env.GC_EXPORTER_DEADLOCK_SECONDS ?? '1.5',
        PYTHONDONTWRITEBYTECODE: '1',
      };
      const { stderr } = await run(python.path, ['-m', 'unittest', '-v', 'test_gc_incident_exporter'], {
        cwd: join(ROOT, 'tests/python'),
        env,
        timeout: 110_000,
      });
      // unittest reports on stderr; a skipped test would hide a missing prometheus_client
      expect(stderr).toMatch(/\nOK\n?$/);
      expect(stderr).not.toMatch(/skipped/);
      expect(stderr).toMatch(/\nRan 8 tests in /);
      expect(stderr).toMatch(/deadlock run 1: /);
    });
  }
});
