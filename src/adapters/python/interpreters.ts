/**
 * Finds CPython interpreters (a path, a version through pyenv, python3.X on
 * PATH, or python3.X in a configured root file system such as a Debian root,
 * run under chroot) and runs scripts with them. Arguments go to execFile,
 * never to a shell.
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { GcIncidentError } from '../../core/errors.js';
import { type ModelledPython, modelForVersion } from '../../core/simulator/workload.js';

export interface Interpreter {
  /** Where it is, as people read it (inside a root: ROOT/usr/bin/python3.X). */
  readonly path: string;
  /** The command that runs it: [path], or chroot ROOT /usr/bin/python3.X for one in a root. */
  readonly command: readonly string[];
  /** The full version, such as 3.12.1. */
  readonly version: string;
  /** The version the simulator models for it. */
  readonly modelled: ModelledPython;
  readonly freeThreaded: boolean;
}

const PROBE =
  "import sys, sysconfig; print(sys.implementation.name, '.'.join(map(str, sys.version_info[:3])), int(bool(sysconfig.get_config_var('Py_GIL_DISABLED'))))";

/** Runs the interpreter at `path`; inside `root` (a root file system), under chroot. */
export function describeInterpreter(path: string, root?: string): Interpreter {
  const command = root === undefined ? [path] : chrootCommand(root, path.slice(root.length));
  const [file = path, ...args] = command;
  let out: string;
  try {
    out = execFileSync(file, [...args, '-I', '-S', '-c', PROBE], {
      encoding: 'utf8',
      timeout: 20_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch (error) {
    const stderr =
      String((error as { stderr?: unknown }).stderr ?? '')
        .trim()
        .split('\n')
        .at(-1) ?? '';
    throw new GcIncidentError(
      'PYTHON_NOT_FOUND',
      `cannot run '${path}' as a Python interpreter${root === undefined ? '' : ` (under chroot ${root})`}${stderr ? `: ${stderr}` : ''}`,
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
  return { path, command, version, modelled: modelledFor(version, freeThreaded), freeThreaded };
}

/**
 * chroot needs CAP_SYS_CHROOT: as root it is run directly, otherwise inside a new user
 * namespace where the caller is root (unshare --map-root-user).
 */
function chrootCommand(root: string, inner: string): string[] {
  const chroot = ['chroot', root, inner];
  return process.getuid?.() === 0 ? chroot : ['unshare', '--map-root-user', ...chroot];
}

export function modelledFor(version: string, freeThreaded: boolean): ModelledPython {
  const model = modelForVersion(version, freeThreaded);
  if (!model) {
    throw new GcIncidentError(
      'PYTHON_NOT_FOUND',
      `CPython ${version}${freeThreaded ? ' (free-threaded)' : ''} is not modelled (3.8 to 3.15 are, free-threaded 3.13t and 3.14t)`,
      {
        version,
      },
    );
  }
  return model;
}

/**
 * Resolves `--against`: a path to an interpreter (inside a configured root: run there), or a
 * version (3.12, 3.12.1, 3.13t) looked up in pyenv's versions folder, as python3.X on PATH,
 * then as /usr/bin/python3.X in each configured root (PYTHON_ROOTS). A version with a patch
 * level matches only that release.
 */
export function findInterpreter(
  spec: string,
  search: InterpreterSearch,
  roots: readonly string[] = [],
): Interpreter {
  if (spec.includes('/')) {
    if (!existsSync(spec))
      throw new GcIncidentError('PYTHON_NOT_FOUND', `no interpreter at ${spec}`, { spec });
    const full = resolve(spec);
    const root = roots.map((r) => resolve(r)).find((r) => full.startsWith(`${r}/`));
    return describeInterpreter(root === undefined ? spec : full, root);
  }
  if (!/^3\.[0-9]+(\.[0-9]+)?t?$/.test(spec)) {
    throw new GcIncidentError(
      'PYTHON_NOT_FOUND',
      `'${spec}' is neither a path nor a version such as 3.12 or 3.12.1`,
      { spec },
    );
  }
  const wanted = spec.replace(/t$/, '');
  const exact = wanted.split('.').length === 3;
  const seen: string[] = [];
  for (const candidate of candidates(spec, search, roots)) {
    const found = candidate.root === undefined ? isExecutable(candidate.path) : isFile(candidate.path);
    if (!found) continue;
    const interpreter = describeInterpreter(candidate.path, candidate.root);
    if (!exact || interpreter.version === wanted) return interpreter;
    seen.push(`${interpreter.version} at ${interpreter.path}`);
  }
  const missingRoots = roots.filter((r) => !isDirectory(r));
  throw new GcIncidentError(
    'PYTHON_NOT_FOUND',
    `no CPython ${spec} found in pyenv (${search.pyenvRoot ?? 'none'}/versions), as python${minorOf(spec)} on PATH` +
      `${roots.length > 0 ? ` or in PYTHON_ROOTS (${roots.join(', ')})` : ' (PYTHON_ROOTS, unset, can name a Debian root holding python3.14 and python3.15: .ci/python-roots.sh builds one)'}` +
      `${seen.length > 0 ? `; found only ${seen.join(', ')}` : ''}` +
      `${missingRoots.length > 0 ? `; ${missingRoots.join(', ')} does not exist (build it with .ci/python-roots.sh)` : ''}` +
      '; pass a path instead',
    { spec },
  );
}

function minorOf(spec: string): string {
  return spec.split('.').slice(0, 2).join('.');
}

/** Where interpreters are looked up, from the configuration (PATH, PYENV_ROOT): absent, not searched. */
export interface InterpreterSearch {
  readonly searchPath: string | undefined;
  readonly pyenvRoot: string | undefined;
}

interface Candidate {
  readonly path: string;
  /** Set for an interpreter inside a root file system (run under chroot). */
  readonly root?: string;
}

function candidates(spec: string, search: InterpreterSearch, roots: readonly string[]): Candidate[] {
  const out: Candidate[] = [];
  const versionsDir = search.pyenvRoot === undefined ? undefined : join(search.pyenvRoot, 'versions');
  const minor = minorOf(spec);
  if (versionsDir !== undefined && existsSync(versionsDir)) {
    const installed = readdirSync(versionsDir)
      .filter((v) => v === spec || v.startsWith(`${spec}.`) || (spec === minor && v.startsWith(`${minor}.`)))
      .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
    for (const v of installed) out.push({ path: join(versionsDir, v, 'bin', `python${minor}`) });
  }
  for (const dir of (search.searchPath ?? '').split(delimiter).filter(Boolean))
    out.push({ path: join(dir, `python${minor}`) });
  for (const root of roots) {
    const full = resolve(root);
    out.push({ path: join(full, 'usr', 'bin', `python${minor}`), root: full });
  }
  return out;
}

/** Inside a root, absolute symlinks point into the root, not the host: lstat, not access. */
function isFile(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a script on stdin with `-I -S`, with an interpreter's path or a found interpreter (its
 * command: chroot for one in a root); resolves with stdout, rejects with a coded error.
 */
export function runPythonScript(
  python: string | Pick<Interpreter, 'command' | 'path'>,
  script: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<string> {
  const interpreter = typeof python === 'string' ? python : python.path;
  const [file = interpreter, ...args] = typeof python === 'string' ? [python] : python.command;
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args, '-I', '-S', '-'], {
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
