/**
 * Which collector each CPython release ships, and which of the simulator's models stands for
 * it: the one place a version (`--python 3.14.2`, a workload's `python:`, a `python=` what-if,
 * `python_info`'s version label, an interpreter found on disk) becomes a model.
 *
 * - 3.8 to 3.13 and 3.14.5+ / 3.15: the generational collector (3.14.5 reverted 3.14.0-3.14.4's
 *   incremental one, python/cpython#142516; 3.15 kept the revert);
 * - 3.14.0 to 3.14.4: the incremental collector;
 * - a `t` suffix: the free-threaded build (from 3.13), a non-generational collector.
 */
import { GcIncidentError } from '../errors.js';

export type ModelledPython =
  | '3.8'
  | '3.9'
  | '3.10'
  | '3.11'
  | '3.12'
  | '3.13'
  | '3.13t'
  | '3.14'
  | '3.14-incremental'
  | '3.14t'
  | '3.15';

/** Each model and the releases it stands for (what people read next to the model's name). */
export const MODEL_COVERS: Readonly<Record<ModelledPython, string>> = {
  '3.8': '3.8.x',
  '3.9': '3.9.x',
  '3.10': '3.10.x',
  '3.11': '3.11.x',
  '3.12': '3.12.x',
  '3.13': '3.13.x',
  '3.13t': '3.13.x free-threaded',
  '3.14': '3.14.5 and later',
  '3.14-incremental': '3.14.0 to 3.14.4',
  '3.14t': '3.14.x free-threaded',
  '3.15': '3.15.x',
};

export const MODELLED_PYTHONS = Object.keys(MODEL_COVERS) as readonly ModelledPython[];

/**
 * Models whose numbers the test suite checks against real interpreters (3.14 and 3.15 with
 * Debian's python3.14 and python3.15 in a Debian root; docs/python-versions.md). The
 * incremental and free-threaded models are read from the CPython sources only.
 */
const MEASURED: readonly ModelledPython[] = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14', '3.15'];

export function isMeasuredVersion(python: ModelledPython): boolean {
  return MEASURED.includes(python);
}

/** The measured releases, in words, for messages ("the fit models …"). */
export const MEASURED_RANGE = '3.8 to 3.13, 3.14.5+ and 3.15';

const OLDEST_MINOR = 8;
const NEWEST_MINOR = 15;
/** The incremental collector shipped in these 3.14 patch releases. */
const LAST_INCREMENTAL_PATCH = 4;

/**
 * The model for a CPython version as interpreters report it (3.12.1, 3.14.0rc1, 3.15): 3.14
 * without a patch level is the current 3.14 (3.14.5+). Undefined for versions not modelled.
 */
export function modelForVersion(version: string, freeThreaded = false): ModelledPython | undefined {
  const match = /^([0-9]+)\.([0-9]+)(?:\.([0-9]+))?/.exec(version.trim());
  if (!match) return undefined;
  const minor = Number(match[2]);
  const patch = match[3] === undefined ? undefined : Number(match[3]);
  if (match[1] !== '3' || minor < OLDEST_MINOR || minor > NEWEST_MINOR) return undefined;
  if (freeThreaded) return minor === 13 ? '3.13t' : minor === 14 ? '3.14t' : undefined;
  if (minor === 14)
    return patch !== undefined && patch <= LAST_INCREMENTAL_PATCH ? '3.14-incremental' : '3.14';
  return `3.${minor}` as ModelledPython;
}

/**
 * `--python`, a workload's `python:` or a `python=` what-if: a model's name (3.14-incremental)
 * or a release, 3.X or 3.X.Y, with `t` for the free-threaded build. Throws a USAGE error that
 * says what is accepted; `where` names the option or field and the value given.
 */
export function resolvePython(
  spec: string,
  where: string,
  code: 'USAGE' | 'WORKLOAD_INVALID' = 'USAGE',
): ModelledPython {
  const problem = pythonSpecProblem(spec);
  if (problem !== undefined) {
    throw new GcIncidentError(code, `${where}: ${problem}`, { python: spec });
  }
  return resolved(spec.trim()) as ModelledPython;
}

/** Why a version cannot be modelled, in one sentence; undefined when it can. */
export function pythonSpecProblem(spec: string): string | undefined {
  const text = spec.trim();
  if (resolved(text) !== undefined) return undefined;
  const match = /^3\.([0-9]+)(?:\.([0-9]+))?(t?)$/.exec(text);
  if (!match) {
    return `not a CPython version; write 3.X or 3.X.Y (3.14.2), with t for a free-threaded build (3.14t), from 3.${OLDEST_MINOR} to 3.${NEWEST_MINOR}`;
  }
  const minor = Number(match[1]);
  if (minor < OLDEST_MINOR)
    return `CPython 3.${minor} is not modelled; the oldest modelled is 3.${OLDEST_MINOR}`;
  if (minor > NEWEST_MINOR) {
    return `CPython 3.${minor}'s collector is not known yet (PEP 848 proposes a new one); the newest modelled is 3.${NEWEST_MINOR}`;
  }
  if (minor < 13) return 'free-threaded builds exist from 3.13 (3.13t, 3.14t)';
  return `the free-threaded 3.${minor} collector is not modelled (python/cpython#148937 changed its scheduling after 3.14; no source of it was read): 3.14t is the nearest model`;
}

function resolved(text: string): ModelledPython | undefined {
  if ((MODELLED_PYTHONS as readonly string[]).includes(text)) return text as ModelledPython;
  const match = /^3\.[0-9]+(?:\.[0-9]+)?(t?)$/.exec(text);
  if (!match) return undefined;
  return modelForVersion(text, match[1] === 't');
}

/** The collector a model runs, for people: "incremental (3.14.0 to 3.14.4)". */
export function collectorOf(python: ModelledPython): 'generational' | 'incremental' | 'free-threaded' {
  if (python.endsWith('t')) return 'free-threaded';
  return python === '3.14-incremental' ? 'incremental' : 'generational';
}

/** The incremental collector as the likely cause of memory growth, named for 3.14.0-3.14.4. */
export const INCREMENTAL_CAUSE =
  'the incremental collector of CPython 3.14.0 to 3.14.4 is the likely cause of memory growth: it reclaims old cyclic garbage late, and 3.14.5 reverted it (python/cpython#142516); runbook gc-python-upgrade-regression compares it with 3.14.5+';

/** What a release's collector is known to do to a service, when it is a known cause of trouble. */
export function collectorCaveat(python: ModelledPython | undefined): string | undefined {
  return python === '3.14-incremental' ? INCREMENTAL_CAUSE : undefined;
}
