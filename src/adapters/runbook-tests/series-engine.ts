/**
 * The PromQL engine behind `gc-incident test`: Prometheus itself. The input series are written
 * as OpenMetrics, turned into a TSDB block by `promtool tsdb create-blocks-from openmetrics`,
 * and served by a `prometheus` on loopback (temporary folder, stopped by PID), which the
 * project's own HTTP client queries. Queries therefore get Prometheus's exact semantics
 * (rate extrapolation, deriv, lookback, `or`, vector matching) with no evaluator of our own.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GcIncidentError } from '../../core/errors.js';
import type { MetricsClient, Sample, Series } from '../../core/ports.js';
import type { ExpandedSeries } from '../../core/runbook-tests/types.js';
import { findExecutable, freePort, stopper, waitUntilServing } from '../lab/lab.js';
import { PrometheusClient } from '../prometheus/client.js';

const run = promisify(execFile);

/** Series of one test group, placed at `startMs` on the engine's time line. */
export interface PlacedSeries {
  readonly startMs: number;
  readonly intervalMs: number;
  readonly series: readonly ExpandedSeries[];
}

export interface SeriesEngine {
  /** Answers every datasource name: a runbook's datasource is production's, not the test's. */
  readonly metrics: MetricsClient;
  stop(): Promise<void>;
}

export const INSTALL_HINT =
  "install Debian's prometheus package (apt-get install --no-install-recommends prometheus), which provides both, or put them on PATH";

export function findEngineBinaries(path: string | undefined): { promtool: string; prometheus: string } {
  const promtool = findExecutable('promtool', path);
  const prometheus = findExecutable('prometheus', path);
  if (promtool && prometheus) return { promtool, prometheus };
  const missing = [promtool ? '' : 'promtool', prometheus ? '' : 'prometheus'].filter(Boolean).join(' and ');
  throw new GcIncidentError(
    'PROMETHEUS_NOT_INSTALLED',
    `gc-incident test evaluates runbook checks with Prometheus's own PromQL engine, and ${missing} cannot be found on PATH: ${INSTALL_HINT}`,
    { missing },
  );
}

export async function startSeriesEngine(
  placed: readonly PlacedSeries[],
  /** PATH, from the configuration: where promtool and prometheus are found. */
  searchPath: string | undefined,
): Promise<SeriesEngine> {
  const binaries = findEngineBinaries(searchPath);
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-test-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const openMetrics = toOpenMetrics(placed);
    if (openMetrics.samples > 0) {
      writeFileSync(join(dir, 'series.om'), openMetrics.text);
      // One block for the whole time line: promtool's default of one block per 2h made it ~8x slower.
      const spanHours = Math.ceil(openMetrics.spanMs / 3_600_000) + 2;
      const args = ['tsdb', 'create-blocks-from', 'openmetrics', `--max-block-duration=${spanHours}h`];
      await run(binaries.promtool, [...args, 'series.om', 'data'], {
        cwd: dir,
        maxBuffer: 16 * 1024 * 1024,
      });
    }
    writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
    const port = await freePort();
    const child = spawn(
      binaries.prometheus,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        // Retention counts back from the newest block; test series sit years in the past.
        '--storage.tsdb.retention.time=100y',
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const url = `http://127.0.0.1:${port}`;
    const stopChild = stopper(child, cleanup);
    try {
      await waitUntilServing(`${url}/-/ready`, child, 'Prometheus (for gc-incident test)');
    } catch (error) {
      await stopChild();
      throw error;
    }
    const client = new PrometheusClient(
      new Map([['engine', { name: 'engine', url, headers: {}, params: {}, timeoutMs: 30_000 }]]),
      { attempts: 1 },
    );
    const metrics: MetricsClient = {
      instant: (_datasource: string, query: string, time: Date): Promise<Sample[]> =>
        client.instant('engine', query, time),
      range: (_datasource: string, query: string, start: Date, end: Date, step: number): Promise<Series[]> =>
        client.range('engine', query, start, end, step),
    };
    return {
      metrics,
      stop: async () => {
        await client.close();
        await stopChild();
      },
    };
  } catch (error) {
    cleanup();
    if (error instanceof GcIncidentError) throw error;
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new GcIncidentError(
      'PROMETHEUS_NOT_INSTALLED',
      `Prometheus could not load the test series: ${stderr || (error as Error).message}`,
    );
  }
}

/** OpenMetrics text: one family per metric name (families must not interleave), samples in time order. */
export function toOpenMetrics(placed: readonly PlacedSeries[]): {
  text: string;
  samples: number;
  spanMs: number;
} {
  const byName = new Map<string, string[]>();
  let samples = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const group of placed) {
    for (const s of group.series) {
      const name = s.labels.__name__ ?? '';
      const labels = Object.entries(s.labels)
        .filter(([k]) => k !== '__name__')
        .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
        .join(',');
      const lines = byName.get(name) ?? [];
      s.values.forEach((value, i) => {
        if (value === undefined) return;
        const ms = group.startMs + i * group.intervalMs;
        first = Math.min(first, ms);
        last = Math.max(last, ms);
        const seconds = ms / 1000;
        lines.push(`${name}{${labels}} ${formatValue(value)} ${seconds}`);
        samples++;
      });
      byName.set(name, lines);
    }
  }
  const text = [...byName.entries()]
    .filter(([, lines]) => lines.length > 0)
    .map(([name, lines]) => `# TYPE ${name} unknown\n${lines.join('\n')}\n`)
    .join('');
  return { text: `${text}# EOF\n`, samples, spanMs: samples > 0 ? last - first : 0 };
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}
