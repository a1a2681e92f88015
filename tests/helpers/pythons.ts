/** The CPython interpreters installed here, found as users' --against would find them. */
import { findInterpreter, type Interpreter } from '../../src/adapters/python/interpreters.js';
import { readLocalConfig } from '../../src/config.js';

/** Host interpreters (pyenv, PATH) for 3.8-3.13; 3.14.5+ and 3.15 from the Debian root in PYTHON_ROOTS. */
export const MEASURED_VERSIONS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14', '3.15'] as const;
const ROOT_VERSIONS: readonly string[] = ['3.14', '3.15'];

/** PYTHON_ROOTS, read as the CLI reads it. */
export function pythonRoots(): readonly string[] {
  return readLocalConfig(process.env).pythonRoots;
}

/**
 * The interpreters for MEASURED_VERSIONS. Those in a Debian root run under chroot (their
 * `command`), so they are included only for callers that run `command` and set up what the
 * interpreter must see inside the root (`{ roots: true }`).
 */
export function installedPythons(options: { roots?: boolean } = {}): {
  found: Interpreter[];
  missing: string[];
} {
  const found: Interpreter[] = [];
  const missing: string[] = [];
  const roots = options.roots ? pythonRoots() : [];
  for (const version of MEASURED_VERSIONS) {
    try {
      found.push(findInterpreter(version, readLocalConfig(process.env), roots));
    } catch {
      missing.push(version);
    }
  }
  if (missing.length > 0) {
    const fromRoot = missing.filter((v) => ROOT_VERSIONS.includes(v));
    const why =
      fromRoot.length === 0
        ? ''
        : !options.roots
          ? ` (${fromRoot.join(', ')} live in a Debian root, which this file does not use)`
          : roots.length === 0
            ? ` (${fromRoot.join(', ')} come from a Debian root: PYTHON_ROOTS is not set; build one with .ci/python-roots.sh)`
            : ` (${fromRoot.join(', ')} were not found in PYTHON_ROOTS=${roots.join(':')}; build it with .ci/python-roots.sh)`;
    console.log(
      `CPython ${missing.join(', ')} not installed: their comparisons are skipped${why} (CI has all eight)`,
    );
  }
  return { found, missing };
}

/**
 * The interpreter run at a lower CPU priority (`nice -n 10`, where there is one), for work whose
 * result does not depend on time: the simulator's comparisons count collections, and they are
 * the suite's most CPU-hungry files. Run beside the files whose services are timed (the fit's
 * windows, the drills' verification), they took the CPU those services needed: a fit test's
 * service ran at 0.58 of its baseline's pace and spent 231 ms/s collecting where 124 were
 * predicted (docs/testing.md).
 */
export function yielding(interpreter: Interpreter): Interpreter {
  if (process.platform === 'win32') return interpreter;
  return { ...interpreter, command: ['nice', '-n', '10', ...interpreter.command] };
}
