/**
 * `gc-incident drill` (and `npm run demo`): the whole loop on this machine. It
 * starts the bundled CPython service in a failure mode, Prometheus when it is
 * installed, walks the matching runbook with --auto --yes (detection, triage
 * with a simulation, an HTTP action against the service, verification,
 * follow-ups), writes the postmortem, and stops everything it started.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { parseDocument } from 'yaml';
import { systemClock } from '../../adapters/clock.js';
import { packagePath } from '../../adapters/fs/package-files.js';
import { findRunbook } from '../../adapters/fs/runbook-catalog.js';
import {
  findExecutable,
  heldFor,
  lendPrometheusClient,
  type Running,
  type RunningService,
  servicePython,
  startPrometheus,
  startService,
  waitForSeries,
} from '../../adapters/lab/lab.js';
import { exportPostmortem } from '../../adapters/postmortem/export.js';
import {
  describeInterpreter,
  findInterpreter,
  type Interpreter,
  type InterpreterSearch,
} from '../../adapters/python/interpreters.js';
import { compose } from '../../composition/root.js';
import type { Config } from '../../config.js';
import { GcIncidentError } from '../../core/errors.js';
import type { Incident } from '../../core/incident/model.js';
import { isVerified, type VerificationVerdict, verificationVerdict } from '../../core/incident/progress.js';
import { describeServiceState } from '../../format/service-state.js';
import { type CliIo, EXIT } from '../io.js';
import { walk } from './walk.js';

interface Scenario {
  readonly runbook: string;
  /** gc_service.py --mode */
  readonly mode: string;
  readonly inputs: Record<string, string>;
  /** httpAction name → the service's admin endpoint (POST). */
  readonly actions: Record<string, string>;
  readonly story: string;
  /** Mode prefork: the workers the service's master forks (each a scrape target). */
  readonly workers?: number;
  /**
   * A second instance of the service, in the same job, under a newer CPython (a rollout half
   * done); the HTTP actions call that one.
   */
  readonly upgrade?: boolean;
  /** PromQL that returns data once the incident shows in the metrics; the walk waits for it. */
  readonly ready?: string;
  /** How long verification must hold (default 3s): longer than the incident takes to come back. */
  readonly stableFor?: string;
  /** How long verification may take in all (default 60s): stableFor plus the time to settle. */
  readonly deadline?: string;
}

/** The range window of verification queries in a drill (Prometheus scrapes every second). */
const DRILL_WINDOW = '10s';

/** The runbook action's own thresholds (its whatIf): the drill sends what the card shows. */
const THRESHOLD_ACTION = '/admin/threshold?t0={{threshold0}}&t1={{threshold1}}&t2={{threshold2}}';

export const SCENARIOS: Record<string, Scenario> = {
  thrash: {
    runbook: 'gc-thrash-allocation-churn',
    mode: 'churn',
    inputs: { window: '5s' },
    actions: { 'gc-set-threshold': THRESHOLD_ACTION },
    story:
      'allocation churn runs young collections hundreds of times a second; the fix raises the generation-0 threshold',
  },
  'full-collection': {
    runbook: 'gc-full-collection-latency',
    mode: 'big-heap',
    inputs: {},
    actions: { 'gc-set-threshold': THRESHOLD_ACTION },
    story: 'a large live heap makes every full collection slow; the fix makes them rarer',
  },
  cycles: {
    runbook: 'gc-cyclic-garbage-growth',
    mode: 'cycles',
    inputs: {},
    actions: { 'gc-collect': '/admin/collect?every=5' },
    ready: 'max(deriv(process_resident_memory_bytes[1m])) * 60 > 5242880',
    // After one collection alone, memory stays flat while the allocator reuses what it freed,
    // then climbs again: holding for 30 s tells the timer from a one-off.
    stableFor: '30s',
    // Memory falls in steps every 5 s, so the growth over the 10 s window settles unevenly; under
    // load (a test suite beside it) 60 s left too little after the 30 s hold (23 s of 30 s held).
    deadline: '90s',
    story:
      'request-scoped cycles die in generation 2, where only a rare full collection frees them; the fix collects every few seconds',
  },
  disabled: {
    runbook: 'gc-disabled-or-starved',
    mode: 'disabled',
    inputs: {},
    actions: { 'gc-enable': '/admin/enable', 'gc-collect': '/admin/collect' },
    story: 'someone called gc.disable(); cyclic garbage grows without bound until it is enabled again',
  },
  prefork: {
    runbook: 'gc-prefork-copy-on-write',
    mode: 'prefork',
    workers: 2,
    inputs: {},
    actions: { 'gc-freeze-refork': '/admin/refork?freeze=1' },
    ready: 'max(deriv(process_private_memory_bytes[1m])) * 60 > 10485760',
    // Re-forked workers without the freeze copy the heap again at their first full collection,
    // about 10 s after fork: holding for 20 s tells the fix from a mere restart.
    stableFor: '20s',
    story:
      "each forked worker's first full collection writes to every object of the master's heap, copying its pages; the fix re-forks the workers after gc.freeze()",
  },
  upgrade: {
    runbook: 'gc-python-upgrade-regression',
    mode: 'bulk',
    upgrade: true,
    inputs: {},
    actions: { 'gc-set-threshold': THRESHOLD_ACTION },
    ready: 'count(count by (version) (python_info)) > 1',
    story:
      'half the instances run a newer CPython that collects differently; the fix tunes thresholds on the new interpreter',
  },
};

export function drillCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('drill')
    .description(
      'Rehearse a GC incident end to end on this machine (the bundled service, Prometheus if installed)',
    )
    .option('--scenario <name>', `one of ${Object.keys(SCENARIOS).join(', ')}`, 'thrash')
    .option('-o, --output <dir>', 'where the postmortem is written', 'data/drills')
    .addHelpText(
      'after',
      `
Scenarios:
${Object.entries(SCENARIOS)
  .map(([name, s]) => `  ${name.padEnd(16)} ${s.runbook}: ${s.story}`)
  .join('\n')}

The runbook is walked from a copy with drill timings (detection 'for' 5s, verification
stableFor 3s (prefork 20s, cycles 30s) every 1s within 60s (cycles 90s)). Everything is recorded in the store (DATABASE_URL).`,
    )
    .action(async (options: { scenario: string; output: string }) => {
      done(await drill(io, options));
    });
}

async function drill(io: CliIo, options: { scenario: string; output: string }): Promise<number> {
  const scenario = SCENARIOS[options.scenario];
  if (!scenario)
    throw new GcIncidentError(
      'USAGE',
      `--scenario ${options.scenario}: use one of ${Object.keys(SCENARIOS).join(', ')}`,
    );
  const config = io.settings.config();
  const { python, metrics } = servicePython(config.servicePython, config.searchPath);
  if (!python)
    throw new GcIncidentError(
      'CONFIG_INVALID',
      'no python3 to run the bundled GC service: install python3 or set GC_SERVICE_PYTHON',
      { variable: 'GC_SERVICE_PYTHON' },
    );
  const entry = findRunbook(scenario.runbook, config.runbooksDir, compose(config).validation().context);
  const started: Running[] = [];
  const work = mkdtempSync(join(tmpdir(), 'gc-incident-drill-'));
  const stopAll = async () => {
    for (const r of started.reverse()) await r.stop();
    rmSync(work, { recursive: true, force: true });
  };
  const onSignal = () => void stopAll().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    io.stdout(`Drill '${options.scenario}': ${scenario.story}.\n`);
    const service = await startService(python, scenario.mode, { workers: scenario.workers });
    started.push(service);
    io.stdout(
      `Started the GC service (mode ${scenario.mode}) at ${service.url}${scenario.workers ? ` with ${scenario.workers} pre-fork workers (${service.targets.slice(1).join(', ')})` : ''}\n`,
    );
    const targets = [...service.targets];
    // The HTTP actions call the instance where the trouble is (the upgraded one, if any).
    let actionUrl = service.url;
    if (scenario.upgrade) {
      const upgraded = await startUpgraded(io, config, python, scenario.mode, work);
      started.push(upgraded);
      targets.push(...upgraded.targets);
      actionUrl = upgraded.url;
    }
    // The walk's own configuration: this lab's Prometheus (or none), runbook copy and actions.
    let metricsConfig: Pick<Config, 'prometheusUrl' | 'datasourcesFile'> = {
      prometheusUrl: undefined,
      datasourcesFile: undefined,
    };
    const prometheus = findExecutable('prometheus', config.searchPath);
    if (prometheus && !metrics) {
      io.stdout(
        `${python} has no prometheus_client, so the service exports no metrics (apt-get install python3-prometheus-client): walking on with the metric steps marked unavailable.\n`,
      );
    }
    if (prometheus && metrics) {
      const prom = await startPrometheus(prometheus, targets);
      started.push(prom);
      metricsConfig = { prometheusUrl: prom.url, datasourcesFile: config.datasourcesFile };
      io.stdout(`Started Prometheus at ${prom.url}; waiting for ${scenario.mode} to show in the metrics…\n`);
      // The drill runbook's detection asks for 5 s of data (`for: 5s` below): wait until the ready
      // condition has held at every second of the last 5, not a fixed time after it first shows.
      await waitForSeries(
        prom.url,
        heldFor(scenario.ready ?? 'rate(python_gc_collections_total[5s])', 5),
        60_000,
      );
    } else {
      if (!prometheus) {
        io.stdout(
          'Prometheus is not installed (apt-get install prometheus python3-prometheus-client): walking on with the metric steps marked unavailable.\n',
        );
      }
    }
    // The runbook with drill timings, and the HTTP actions pointing at this service.
    const doc = parseDocument(readFileSync(entry.file, 'utf8'));
    const checks = doc.getIn(['detection', 'checks']) as { items: unknown[] } | undefined;
    for (let i = 0; i < (checks?.items.length ?? 0); i++) {
      if (doc.hasIn(['detection', 'checks', i, 'for'])) doc.setIn(['detection', 'checks', i, 'for'], '5s');
    }
    // Verification looks at the last seconds, not the last minutes: a window of minutes would
    // still hold the incident itself when the drill's deadline comes.
    const verification = doc.getIn(['verification', 'checks']) as { items: unknown[] } | undefined;
    for (let i = 0; i < (verification?.items.length ?? 0); i++) {
      const query = doc.getIn(['verification', 'checks', i, 'query']);
      if (typeof query === 'string')
        doc.setIn(['verification', 'checks', i, 'query'], query.replace(/\[\d+[mh]\]/g, `[${DRILL_WINDOW}]`));
    }
    doc.setIn(['verification', 'stableFor'], scenario.stableFor ?? '3s');
    doc.setIn(['verification', 'interval'], '1s');
    doc.setIn(['verification', 'deadline'], scenario.deadline ?? '60s');
    mkdirSync(join(work, 'runbooks'));
    // Simulate steps name workloads relative to the runbook (../workloads/…): keep that true.
    symlinkSync(packagePath('workloads'), join(work, 'workloads'));
    writeFileSync(join(work, 'runbooks', `${scenario.runbook}.yaml`), doc.toString());
    const actions = `${Object.entries(scenario.actions)
      .map(([name, path]) => `  ${name}:\n    method: POST\n    url: ${actionUrl}${path}\n    timeout: 30s\n`)
      .join(
        '',
      )}  gc-diagnostics:\n    method: GET\n    readOnly: true\n    url: ${actionUrl}/debug/gc\n    timeout: 10s\n`;
    writeFileSync(join(work, 'actions.yaml'), `actions:\n${actions}`);
    const drillConfig: Config = Object.freeze({
      ...config,
      ...metricsConfig,
      httpActionsFile: join(work, 'actions.yaml'),
      runbooksDir: join(work, 'runbooks'),
      runbooksSource: 'RUNBOOKS_DIR' as const,
    });
    const inputs = { job: 'gcsvc', ...scenario.inputs };
    const walked = await walk(
      { ...io, ask: undefined },
      scenario.runbook,
      {
        input: Object.entries(inputs).map(([k, v]) => `${k}=${v}`),
        auto: true,
        yes: true,
        commander: `cli:${config.user ?? 'drill'}`,
        service: 'gc-demo-service',
      },
      drillConfig,
    );
    if (!walked.incidentId) return walked.code;
    const state = (await (await fetch(`${actionUrl}/admin/state`)).json()) as Record<string, unknown>;
    io.stdout(`\nThe service now reports: ${describeServiceState(state)}.\n`);
    const { file, verdict } = await compose(drillConfig).withStore(async (store) => ({
      file: await exportPostmortem({
        store,
        clock: io.clock ?? systemClock,
        incidentId: walked.incidentId as string,
        format: 'md',
        runbook: { runbook: entry.runbook, file: entry.file },
      }),
      verdict: verificationVerdict(await store.load(walked.incidentId as string).then(found)),
    }));
    mkdirSync(options.output, { recursive: true });
    const path = resolve(options.output, file.filename);
    writeFileSync(path, file.content);
    io.stdout(`\nPostmortem written to ${path}\n`);
    const outcome = drillOutcome(verdict, metricsConfig.prometheusUrl !== undefined);
    if (outcome.line) io.stdout(outcome.line);
    return outcome.code;
  } finally {
    process.removeListener('SIGINT', onSignal);
    await stopAll();
    io.stdout('Stopped every process the drill started.\n');
  }
}

/**
 * The upgrade scenario's second instance: the same service under a newer CPython, lent the
 * first interpreter's prometheus_client when it has none of its own (no PyPI here).
 */
async function startUpgraded(
  io: CliIo,
  config: Config,
  python: string,
  mode: string,
  work: string,
): Promise<RunningService> {
  const old = describeInterpreter(python).version;
  const newer = config.upgradePython ? describeInterpreter(config.upgradePython) : newestAfter(old, config);
  if (!newer)
    throw new GcIncidentError(
      'CONFIG_INVALID',
      `the upgrade drill needs a CPython newer than ${old} (${python}); none found in pyenv or on PATH: install one or set GC_UPGRADE_PYTHON`,
      { variable: 'GC_UPGRADE_PYTHON' },
    );
  const extra: Record<string, string> = {};
  if (!servicePython(newer.path, config.searchPath).metrics) {
    const lent = lendPrometheusClient(python, join(work, 'site'));
    if (lent) extra.PYTHONPATH = lent;
  }
  const upgraded = await startService(newer.path, mode, { env: extra });
  io.stdout(`Started the same service under CPython ${newer.version} (${newer.path}) at ${upgraded.url}\n`);
  return upgraded;
}

/** The newest CPython 3.N found (pyenv, then PATH) with N above `version`'s minor. */
function newestAfter(version: string, search: InterpreterSearch): Interpreter | undefined {
  const minor = Number(version.split('.')[1]);
  for (let m = 20; m > minor; m--) {
    try {
      return findInterpreter(`3.${m}`, search);
    } catch {
      // not installed
    }
  }
  return undefined;
}

function found(incident: Incident | undefined): Incident {
  if (!incident) throw new GcIncidentError('INCIDENT_NOT_FOUND', "the drill's incident is not in its store");
  return incident;
}

/**
 * The drill proves the mitigation only when verification held: with metrics, anything else is a
 * failed drill (exit 1); without Prometheus nothing was measured, which it says (exit 0: the
 * walk itself is what it could show).
 */
export function drillOutcome(
  verdict: VerificationVerdict,
  measured: boolean,
): { code: number; line?: string } {
  if (isVerified(verdict)) return { code: EXIT.OK };
  return measured
    ? {
        code: EXIT.PROBLEMS,
        line: `\nDrill failed: verification did not hold (${verdict.kind}); the mitigation was not shown to work.\n`,
      }
    : {
        code: EXIT.OK,
        line: '\nNot verified: without Prometheus nothing was measured; the walk shows the steps only.\n',
      };
}
