/**
 * A metrics lab on loopback for integration tests: the bundled Python GC
 * service, Prometheus and VictoriaMetrics from Debian's packages, each with a
 * temporary data folder, stopped by PID. Missing binaries give a skip reason.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  heldFor,
  type Running,
  startService as startLabService,
  stopper,
  waitForSeries,
  waitUntilServing,
} from '../../src/adapters/lab/lab.js';

// One implementation of these, the product's (the drill uses them too).
export { freePort, heldFor, type Running, waitForSeries };

export const SERVICE_PYTHON = process.env.GC_SERVICE_PYTHON ?? '/usr/bin/python3';

export function labMissing(): string | undefined {
  const missing = ['prometheus', 'victoria-metrics', 'promtool'].filter((b) => !existsSync(`/usr/bin/${b}`));
  if (missing.length > 0) {
    return `${missing.join(', ')} not installed (apt-get install prometheus victoria-metrics): metrics integration tests skipped`;
  }
  try {
    execFileSync(SERVICE_PYTHON, ['-c', 'import prometheus_client'], { stdio: 'ignore' });
  } catch {
    return `${SERVICE_PYTHON} has no prometheus_client (apt-get install python3-prometheus-client): metrics integration tests skipped`;
  }
  return undefined;
}

function run(cmd: string, args: string[], cwd: string): ChildProcess {
  return spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Mode churn at a fifth of its default allocations: about 800 young collections a second instead
 * of 2,500, where the thrash runbook's detection asks for 50, at 21 % of a core instead of 50 %.
 * Five files kept it running at full pace for 3 minutes of `npm test` on two cores (docs/testing.md).
 * The drill tests run it so too (the drill's service inherits the environment); CI runs the demo
 * drill as shipped in its container smoke test, and `bench:fit` runs the service as shipped.
 */
export const TEST_CHURN = { GC_SERVICE_CHURN: '4000' } as const;

/** The bundled GC service under the test interpreter (SERVICE_PYTHON). */
export function startService(mode: string): Promise<Running> {
  return startLabService(SERVICE_PYTHON, mode, mode === 'churn' ? { env: TEST_CHURN } : {});
}

export async function startPrometheus(
  targets: string[],
  options: {
    basicAuth?: { user: string; password: string };
    ruleFiles?: string[];
    alertmanager?: string;
    /** Scrape jobs by name instead of the one `gcsvc` job over `targets`. */
    jobs?: Record<string, string[]>;
  } = {},
): Promise<Running> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-prom-'));
  const config = [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    options.ruleFiles ? `rule_files: [${options.ruleFiles.map((f) => JSON.stringify(f)).join(', ')}]` : '',
    options.alertmanager
      ? `alerting: { alertmanagers: [ { static_configs: [ { targets: ['${options.alertmanager}'] } ] } ] }`
      : '',
    'scrape_configs:',
    ...(options.jobs
      ? Object.entries(options.jobs).flatMap(([job, jobTargets]) => [
          `  - job_name: ${job}`,
          `    static_configs: [ { targets: [${jobTargets.map((t) => `'${t}'`).join(', ')}] } ]`,
        ])
      : [
          '  - job_name: gcsvc',
          `    static_configs: [ { targets: [${targets.map((t) => `'${t}'`).join(', ')}], labels: { service: demo } } ]`,
        ]),
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), `${config}\n`);
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.external-url=http://127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=1h',
    // Firing alerts reach Alertmanager within a second instead of after the default minute.
    ...(options.alertmanager ? ['--rules.alert.resend-delay=1s'] : []),
  ];
  if (options.basicAuth) {
    const hash = execFileSync(
      SERVICE_PYTHON,
      [
        '-W',
        'ignore',
        '-c',
        'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1<<4)))',
        options.basicAuth.password,
      ],
      { encoding: 'utf8' },
    ).trim();
    writeFileSync(join(dir, 'web.yml'), `basic_auth_users:\n  ${options.basicAuth.user}: '${hash}'\n`);
    args.push(`--web.config.file=${join(dir, 'web.yml')}`);
  }
  const child = run('prometheus', args, dir);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(`${url}/-/ready`, child, 'Prometheus');
  return { url, port, process: child, stop: stopper(child) };
}

export async function startVictoriaMetrics(targets: string[]): Promise<Running> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-vm-'));
  writeFileSync(
    join(dir, 'scrape.yml'),
    `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: gcsvc\n    static_configs: [ { targets: [${targets.map((t) => `'${t}'`).join(', ')}], labels: { service: demo } } ]\n`,
  );
  const child = run(
    'victoria-metrics',
    [
      `-storageDataPath=${join(dir, 'data')}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      `-promscrape.config=${join(dir, 'scrape.yml')}`,
      '-retentionPeriod=1d',
      '-search.latencyOffset=1s',
    ],
    dir,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(`${url}/health`, child, 'VictoriaMetrics');
  return { url, port, process: child, stop: stopper(child) };
}
