/**
 * python/gc_incident_exporter.py on every CPython found: Debian's python3, pyenv's 3.8 to 3.13,
 * and 3.14 and 3.15 in the Debian root (PYTHON_ROOTS; 3.15 reports each collection's duration).
 * The tests themselves are Python (tests/python/test_gc_incident_exporter.py); pyenv interpreters
 * are lent Debian's prometheus_client through PYTHONPATH, as the drill does. An interpreter in a
 * root runs under chroot, so the exporter, its tests and the lent client are copied into the root.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { lendPrometheusClient } from '../../src/adapters/lab/lab.js';
import { installedPythons } from '../helpers/pythons.js';
import { slots } from '../helpers/slots.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const DEBIAN_PYTHON = '/usr/bin/python3';
const work = mkdtempSync(join(tmpdir(), 'gc-exporter-test-'));
const lent = existsSync(DEBIAN_PYTHON) ? lendPrometheusClient(DEBIAN_PYTHON, join(work, 'site')) : undefined;

interface Target {
  name: string;
  command: readonly string[];
  /** Where the exporter and its tests are, as the interpreter sees them. */
  dirs: { python: string; tests: string };
  pythonPath: string[];
}
const here = { python: join(ROOT, 'python'), tests: join(ROOT, 'tests/python') };
const interpreters: Target[] = [];
const copies: string[] = [];
if (existsSync(DEBIAN_PYTHON))
  interpreters.push({ name: 'Debian python3', command: [DEBIAN_PYTHON], dirs: here, pythonPath: [] });
else console.log(`${DEBIAN_PYTHON} not found: the exporter runs on pyenv's interpreters only`);
for (const found of installedPythons({ roots: true }).found) {
  const root = found.command.includes('chroot')
    ? found.command[found.command.indexOf('chroot') + 1]
    : undefined;
  if (root === undefined) {
    interpreters.push({
      name: `CPython ${found.version}`,
      command: found.command,
      dirs: here,
      pythonPath: lent ? [lent] : [],
    });
    continue;
  }
  // Inside the root: copies of the exporter, its tests and the lent client (symlinks resolved).
  const copy = mkdtempSync(join(root, 'tmp', 'gc-exporter-test-'));
  copies.push(copy);
  cpSync(here.python, join(copy, 'python'), { recursive: true });
  cpSync(here.tests, join(copy, 'tests'), { recursive: true });
  // The lent client is a folder of symlinks; each is resolved here, because Node 22's cpSync
  // with `dereference` copies a nested symlink as a link (to a path the root does not have).
  if (lent)
    for (const name of readdirSync(lent))
      cpSync(realpathSync(join(lent, name)), join(copy, 'site', name), { recursive: true });
  const inside = copy.slice(root.length);
  interpreters.push({
    name: `CPython ${found.version} (${root})`,
    command: found.command,
    dirs: { python: join(inside, 'python'), tests: join(inside, 'tests') },
    pythonPath: lent ? [join(inside, 'site')] : [],
  });
}

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
});

describe('gc_incident_exporter.py', () => {
  it('has interpreters to run on', () => {
    expect(interpreters.length).toBeGreaterThan(0);
  });

  /**
   * Two interpreters at a time: each suite spends part of its 2 s waiting (the deadlock watchdog's
   * 1.5 s), and the machine has two cores.
   */
  const slot = slots(2);
  for (const python of interpreters) {
    it.concurrent(`passes its tests on ${python.name}`, { timeout: 240_000 }, async ({ expect }) => {
      const env = {
        ...process.env,
        // The tests folder too: chroot starts in /, where the test module is not.
        PYTHONPATH: [python.dirs.python, python.dirs.tests, ...python.pythonPath].join(':'),
        GC_EXPORTER_DEADLOCK_SECONDS: process.env.GC_EXPORTER_DEADLOCK_SECONDS ?? '1.5',
        PYTHONDONTWRITEBYTECODE: '1',
      };
      const [file = '', ...args] = python.command;
      const { stderr } = await slot(() =>
        run(file, [...args, '-m', 'unittest', '-v', 'test_gc_incident_exporter'], {
          cwd: join(ROOT, 'tests/python'),
          env,
          timeout: 110_000,
        }),
      );
      // unittest reports on stderr; a skipped test would hide a missing prometheus_client
      expect(stderr).toMatch(/\nOK\n?$/);
      expect(stderr).not.toMatch(/skipped/);
      expect(stderr).toMatch(/\nRan 10 tests in /);
      expect(stderr).toMatch(/deadlock run 1: /);
    });
  }
});
