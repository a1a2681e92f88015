/**
 * Finds CPython interpreters (a path, a version through pyenv, or python3.X on
 * PATH) and runs scripts with them. Arguments go to execFile, never to a shell.
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { GcIncidentError } from '../../core/errors.js';
import { type ModelledPython, modelForVersion } from '../../core/simulator/workload.js';

export interface Interpreter {
  readonly path: string;
  /** The full version, such as 3.12.1. */
  readonly version: string;
  /** The version the simulator models for it. */
  readonly modelled: ModelledPython;
  readonly freeThreaded: boolean;
}

const PROBE =
  "import sys, sysconfig; print(sys.implementation.name, '.'.join(map(str, sys.version_info[:3])), int(bool(sysconfig.get_config_var('Py_GIL_DISABLED'))))";

export function describeInterpreter(path: string): Interpreter {
  let out: string;
  try {
    out = execFileSync(path, ['-I', '-S', '-c', PROBE], { encoding: 'utf8', timeout: 20_000 }).trim();
  } catch (error) {
    throw new GcIncidentError(
      'PYTHON_NOT_FOUND',
      `cannot run '${path}' as a Python interpreter`,
      { path },
      { cause: error },
    );
  }
  const [impl, version = '', ft] = out.split(' ');
  if (impl !== 'cpython') {
    throw new GcIncidentError(
      'PYTHON_NOT_FOUND',
      `'${path}' is ${impl}, not CPython; the simulator models CPython only`,
      {
        path,
      },
    );
  }
  const freeThreaded = ft === '1';
  return { path, version, modelled: modelledFor(version, freeThreaded), freeThreaded };
}

export function modelledFor(version: string, freeThreaded: boolean): ModelledPython {
  const model = modelForVersion(version, freeThreaded);
  if (!model) {
    throw new GcIncidentError(
      'PYTHON_NOT_FOUND',
      `CPython ${version}${freeThreaded ? ' (free-threaded)' : ''} is not modelled (3.8 to 3.14 are)`,
      {
        version,
      },
    );
  }
  return model;
}

/**
 * Resolves `--against`: a path to an interpreter, or a version (3.12, 3.12.1)
 * looked up in pyenv's versions folder and then as python3.X on PATH.
 */
export function findInterpreter(
  spec: string,
  env: Readonly<Record<string, string | undefined>>,
): Interpreter {
  if (spec.includes('/')) {
    if (!existsSync(spec))
      throw new GcIncidentError('PYTHON_NOT_FOUND', `no interpreter at ${spec}`, { spec });
    return describeInterpreter(spec);
  }
  if (!/^3\.[0-9]+(\.[0-9]+)?t?$/.test(spec)) {
    throw new GcIncidentError(
      'PYTHON_NOT_FOUND',
      `'${spec}' is neither a path nor a version such as 3.12 or 3.12.1`,
      { spec },
    );
  }
  for (const candidate of candidates(spec, env)) {
    if (isExecutable(candidate)) return describeInterpreter(candidate);
  }
  throw new GcIncidentError(
    'PYTHON_NOT_FOUND',
    `no CPython ${spec} found in pyenv (${pyenvRoot(env)}/versions) or as python${minorOf(spec)} on PATH; pass a path instead`,
    { spec },
  );
}

function minorOf(spec: string): string {
  return spec.split('.').slice(0, 2).join('.');
}

function pyenvRoot(env: Readonly<Record<string, string | undefined>>): string {
  return env.PYENV_ROOT ?? join(env.HOME ?? '/root', '.pyenv');
}

function candidates(spec: string, env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  const versionsDir = join(pyenvRoot(env), 'versions');
  const minor = minorOf(spec);
  if (existsSync(versionsDir)) {
    const installed = readdirSync(versionsDir)
      .filter((v) => v === spec || v.startsWith(`${spec}.`) || (spec === minor && v.startsWith(`${minor}.`)))
      .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
    for (const v of installed) out.push(join(versionsDir, v, 'bin', `python${minor}`));
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) out.push(join(dir, `python${minor}`));
  return out;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs a script on stdin with `-I -S`; resolves with stdout, rejects with a coded error. */
export function runPythonScript(
  interpreter: string,
  script: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(interpreter, ['-I', '-S', '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 600_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (error) =>
      reject(
        new GcIncidentError(
          'PYTHON_FAILED',
          `${interpreter} could not run: ${error.message}`,
          {},
          { cause: error },
        ),
      ),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else {
        const last = stderr.trim().split('\n').slice(-1)[0] ?? '';
        reject(
          new GcIncidentError(
            'PYTHON_FAILED',
            `${interpreter} exited with ${signal ?? code}${last ? `: ${last}` : ''}`,
            { code, signal },
          ),
        );
      }
    });
    child.stdin.end(script);
  });
}
