/**
 * The drill's lab on loopback: the bundled CPython GC service and, when it is
 * installed, Prometheus scraping it every second; temporary data folders,
 * processes stopped by PID. Nothing runs a shell: binaries are spawned directly.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
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
 * The Python that runs the GC service: GC_SERVICE_PYTHON, else Debian's python3, else python3
 * on PATH; `metrics` says whether it has prometheus_client (without it /metrics is off).
 */
export function servicePython(env: Readonly<Record<string, string | undefined>>): {
  python?: string;
  metrics: boolean;
} {
  const python =
    env.GC_SERVICE_PYTHON ??
    (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : findExecutable('python3', env.PATH));
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
  const until = Date.now() + ms;
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  while (Date.now() < until) {
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

export async function startService(python: string, mode: string): Promise<Running> {
  const port = await freePort();
  const child = spawn(
    python,
    [packagePath('service', 'gc_service.py'), '--port', String(port), '--mode', mode],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(`${url}/healthz`, child, 'the GC service');
  return { url, port, process: child, stop: stopper(child) };
}

/** Prometheus scraping `target` every second; `port` and `dir` start it again where a stopped one was. */
export async function startPrometheus(
  binary: string,
  target: string,
  options: { port?: number; dir?: string } = {},
): Promise<Running> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'gc-incident-drill-prom-'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: gcsvc\n    static_configs: [ { targets: ['${target}'], labels: { service: demo } } ]\n`,
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
  const until = Date.now() + ms;
  while (Date.now() < until) {
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
