/**
 * The drill's lab on loopback: the bundled CPython GC service and, when it is
 * installed, Prometheus scraping it every second; temporary data folders,
 * processes stopped by PID. Nothing runs a shell: binaries are spawned directly.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { childEnvironment } from '../../config.js';
import { packagePath } from '../fs/package-files.js';

export interface Running {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** An executable on PATH, like `which`. */
export function findExecutable(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The Python that runs the GC service: `configured` (GC_SERVICE_PYTHON), else Debian's python3, else python3
 * on PATH; `metrics` says whether it has prometheus_client (without it /metrics is off).
 */
export function servicePython(
  configured: string | undefined,
  searchPath: string | undefined,
): {
  python?: string;
  metrics: boolean;
} {
  const python =
    configured ??
    (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : findExecutable('python3', searchPath));
  if (!python) return { metrics: false };
  try {
    execFileSync(python, ['-c', 'import prometheus_client'], { stdio: 'ignore' });
    return { python, metrics: true };
  } catch {
    return { python, metrics: false };
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}

/** Resolves once `url` answers below 500; fails with the child's last stderr if it exits or takes too long. */
export async function waitUntilServing(
  url: string,
  child: ChildProcess,
  what: string,
  ms = 30_000,
): Promise<void> {
  const until = performance.now() + ms;
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  while (performance.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what} exited: ${stderr.trim()}`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start within ${ms / 1000} s: ${stderr.trim()}`);
}

/** Stops a child: SIGTERM, then SIGKILL after 5 s; then `cleanup`. */
export function stopper(child: ChildProcess, cleanup?: () => void): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    cleanup?.();
  };
}

export interface ServiceOptions {
  /** Mode prefork: how many workers the master forks, each with its own /metrics port. */
  readonly workers?: number | undefined;
  /** Added to the service's environment (PYTHONPATH for a borrowed prometheus_client). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunningService extends Running {
  /** Every address Prometheus should scrape: the service, and its workers in mode prefork. */
  readonly targets: readonly string[];
}

export async function startService(
  python: string,
  mode: string,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const port = await freePort();
  const workerPorts: number[] = [];
  for (let i = 0; i < (options.workers ?? 0); i++) workerPorts.push(await freePort());
  const args = [packagePath('service', 'gc_service.py'), '--port', String(port), '--mode', mode];
  if (workerPorts.length > 0) args.push('--worker-ports', workerPorts.join(','));
  const child = spawn(python, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    // The service inherits this process's environment (built in src/config.ts, never read here).
    env: childEnvironment(options.env),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(`${url}/healthz`, child, 'the GC service');
  for (const p of workerPorts)
    await waitUntilServing(`http://127.0.0.1:${p}/healthz`, child, `the GC service's worker on port ${p}`);
  const targets = [port, ...workerPorts].map((p) => `127.0.0.1:${p}`);
  return { url, port, process: child, stop: stopper(child), targets };
}

/**
 * Lends `from`'s prometheus_client (and the pure-Python packages it imports) to another
 * interpreter: a folder of links to them, for PYTHONPATH. Undefined if `from` has none.
 */
export function lendPrometheusClient(from: string, dir: string): string | undefined {
  let paths: string[];
  try {
    paths = JSON.parse(
      execFileSync(
        from,
        [
          '-c',
          [
            'import json, os, sys, prometheus_client',
            'out = []',
            'for name, m in list(sys.modules.items()):',
            '    f = getattr(m, "__file__", None) or ""',
            '    if "." in name or not ("dist-packages" in f or "site-packages" in f): continue',
            '    out.append(os.path.dirname(f) if os.path.basename(f) == "__init__.py" else f)',
            'print(json.dumps(out))',
          ].join('\n'),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      ),
    ) as string[];
  } catch {
    return undefined;
  }
  mkdirSync(dir, { recursive: true });
  for (const path of paths) symlinkSync(path, join(dir, basename(path)));
  return dir;
}

/** Prometheus scraping `targets` every second; `port` and `dir` start it again where a stopped one was. */
export async function startPrometheus(
  binary: string,
  targets: string | readonly string[],
  options: { port?: number; dir?: string } = {},
): Promise<Running> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'gc-incident-drill-prom-'));
  const list = typeof targets === 'string' ? [targets] : targets;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: gcsvc\n    static_configs: [ { targets: [${list.map((t) => `'${t}'`).join(', ')}], labels: { service: demo } } ]\n`,
  );
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}`,
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(`${url}/-/ready`, child, 'Prometheus');
  return {
    url,
    port,
    process: child,
    // A folder given by the caller is the caller's to remove.
    stop: stopper(child, options.dir ? undefined : () => rmSync(dir, { recursive: true, force: true })),
  };
}

export async function waitForSeries(url: string, query: string, ms = 40_000): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    try {
      const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
      const body = (await r.json()) as { data?: { result?: unknown[] } };
      if ((body.data?.result?.length ?? 0) > 0) return;
    } catch {
      // not ready
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Prometheus has no data for ${query} after ${ms / 1000} s`);
}

/**
 * PromQL that answers once `query` has had a result at each 1 s step of the last `seconds`, on
 * Prometheus's own clock: with waitForSeries, a wait for "this has held long enough" (a check's
 * `for`, a fit window) instead of a fixed sleep after it first shows.
 */
export function heldFor(query: string, seconds: number): string {
  return `count_over_time((${query})[${seconds}s:1s]) >= ${seconds}`;
}
