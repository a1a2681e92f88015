/**
 * A real Prometheus scraping several jobs (one per name), with optional recording-rule files:
 * for tests that compare services or that load `gc-incident rules --compat` output.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type Running, stopper, waitUntilServing } from '../../src/adapters/lab/lab.js';

export async function startPrometheusJobs(
  jobs: Readonly<Record<string, readonly string[]>>,
  options: { ruleFiles?: readonly string[] } = {},
): Promise<Running> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-prom-jobs-'));
  const config = [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    options.ruleFiles ? `rule_files: [${options.ruleFiles.map((f) => JSON.stringify(f)).join(', ')}]` : '',
    'scrape_configs:',
    ...Object.entries(jobs).map(
      ([job, targets]) =>
        `  - job_name: ${job}\n    static_configs: [ { targets: [${targets.map((t) => `'${t}'`).join(', ')}] } ]`,
    ),
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), `${config}\n`);
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(`${url}/-/ready`, child, 'Prometheus');
  return {
    url,
    port,
    process: child,
    stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })),
  };
}

/** An instant query's series as {labels, value}. */
export async function instant(
  url: string,
  query: string,
  time?: number,
): Promise<{ labels: Record<string, string>; value: number }[]> {
  const at = time === undefined ? '' : `&time=${time}`;
  const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}${at}`);
  const body = (await r.json()) as {
    status: string;
    error?: string;
    data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
  return (body.data?.result ?? []).map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
}

/** Polls until `query` returns at least one series; returns them. */
export async function eventually(
  url: string,
  query: string,
  ms = 60_000,
): Promise<{ labels: Record<string, string>; value: number }[]> {
  const until = Date.now() + ms;
  for (;;) {
    const series = await instant(url, query);
    if (series.length > 0) return series;
    if (Date.now() > until) throw new Error(`no series for ${query} after ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
