/**
 * gc_incident_exporter.serve_diagnostics() on every CPython found (pyenv's 3.8 to 3.13, and
 * Debian's python3): the tests are Python (tests/python/test_diagnostics.py) and need nothing
 * beyond the standard library.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { installedPythons } from '../helpers/pythons.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const interpreters = installedPythons().found.map((f) => ({ name: `CPython ${f.version}`, path: f.path }));
if (existsSync('/usr/bin/python3')) interpreters.push({ name: 'Debian python3', path: '/usr/bin/python3' });

describe.concurrent('gc_incident_exporter diagnostics', () => {
  it('has interpreters to run on', () => {
    expect(interpreters.length).toBeGreaterThan(0);
  });

  for (const python of interpreters) {
    it(`serves the live GC state on ${python.name}`, { timeout: 60_000 }, async () => {
      const { stderr } = await run(python.path, ['-m', 'unittest', '-v', 'test_diagnostics'], {
        cwd: join(ROOT, 'tests/python'),
        env: { ...process.env, PYTHONPATH: join(ROOT, 'python'), PYTHONDONTWRITEBYTECODE: '1' },
        timeout: 50_000,
      });
      expect(stderr).toMatch(/\nOK\n?$/);
      expect(stderr).not.toMatch(/skipped/);
      expect(stderr).toMatch(/\nRan 8 tests in /);
    });
  }
});
