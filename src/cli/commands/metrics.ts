import { Command } from 'commander';
import { writeChart } from '../../adapters/charts/render.js';
import { systemClock } from '../../adapters/clock.js';
import { findRunbook } from '../../adapters/fs/runbook-catalog.js';
import { compose } from '../../composition/root.js';
import { rangeChartSpec } from '../../core/checks/chart-spec.js';
import { evaluationFigure, findRunbookCheck } from '../../core/checks/figure.js';
import { formatMeasure, ratioQuantity } from '../../core/checks/measure.js';
import {
  CHECK_PHASES,
  type CheckPhase,
  evaluatePhaseChecks,
  phaseChecks,
} from '../../core/checks/phase-checks.js';
import { formatSpan, parseDuration } from '../../core/duration.js';
import { GcIncidentError } from '../../core/errors.js';
import { watchVerification } from '../../core/incident/driver/watch-verification.js';
import { resolveInputs } from '../../core/incident/inputs.js';
import type { MetricsClient, Series } from '../../core/ports.js';
import type { Operator, Runbook, Unit } from '../../core/runbook/types.js';
import { DEFAULT_DATASOURCE, UNITS } from '../../core/runbook/types.js';
import { renderTable } from '../../format/table.js';
import { type CliIo, EXIT } from '../io.js';

function requireClient(io: CliIo) {
  const config = io.settings.config();
  const client = compose(config).metrics();
  if (!client) {
    throw new GcIncidentError(
      'METRICS_UNAVAILABLE',
      'no datasource configured: set PROMETHEUS_URL or DATASOURCES_FILE',
      {
        variable: 'PROMETHEUS_URL',
      },
    );
  }
  return { config, client };
}

const labelText = (labels: Readonly<Record<string, string>>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

export function queryCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('query')
    .description('Run one PromQL query against a configured datasource')
    .argument('<promql>', 'the query')
    .option('-d, --datasource <name>', 'datasource name', DEFAULT_DATASOURCE)
    .option('--range <duration>', 'a range query over this long, ending now (for example 1h)')
    .option('--step <duration>', 'resolution of a range query', '1m')
    .option('--json', 'print the parsed result as JSON')
    .option('--chart <file>', 'with --range: draw the series to FILE.png or FILE.svg')
    .option('--threshold <value>', 'with --chart: draw this threshold and shade the points beyond it')
    .option('--operator <op>', 'with --threshold: the breach direction (>, >=, <, <=)', '>')
    .option(
      '--unit <unit>',
      `how values read, as a runbook's unit: ${UNITS.join(', ')} (for example bytes-per-minute for deriv(…_bytes[30m]) * 60)`,
      'none',
    )
    .action(
      async (
        promql: string,
        options: {
          datasource: string;
          range?: string;
          step: string;
          json?: boolean;
          chart?: string;
          threshold?: string;
          operator: string;
          unit: string;
        },
      ) => {
        if (!(UNITS as readonly string[]).includes(options.unit))
          throw new GcIncidentError('USAGE', `--unit takes one of ${UNITS.join(', ')}`);
        const unit = options.unit as Unit;
        const value = (v: number) => formatMeasure(v, unit);
        const { client } = requireClient(io);
        try {
          const now = (io.clock ?? systemClock).now();
          let result: Awaited<ReturnType<typeof client.query>>;
          if (options.range) {
            const range = parseDuration(options.range);
            const step = parseDuration(options.step);
            if (!range.ok || !step.ok)
              throw new GcIncidentError('USAGE', '--range and --step take durations such as 1h and 1m');
            result = await client.queryRange(
              options.datasource,
              promql,
              new Date(now.getTime() - range.ms),
              now,
              step.ms / 1000,
            );
            if (options.chart)
              await drawRange(io, { ...options, unit }, promql, result.series, step.ms / 1000);
          } else {
            if (options.chart) throw new GcIncidentError('USAGE', '--chart needs --range');
            result = await client.query(options.datasource, promql, { time: now });
          }
          if (options.json) {
            io.stdout(
              `${JSON.stringify(result, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}\n`,
            );
          } else if (result.resultType === 'matrix') {
            io.stdout(
              renderTable(
                ['SERIES', 'POINTS', 'LAST', 'MIN', 'MAX'],
                result.series.map((s) => {
                  const values = s.points.map(([, v]) => v);
                  return [
                    labelText(s.labels),
                    String(values.length),
                    value(values.at(-1) ?? Number.NaN),
                    value(Math.min(...values)),
                    value(Math.max(...values)),
                  ];
                }),
              ),
            );
          } else if (result.resultType === 'string') {
            io.stdout(`${result.text ?? ''}\n`);
          } else {
            io.stdout(
              renderTable(
                ['SERIES', 'VALUE'],
                result.samples.map((s) => [labelText(s.labels), value(s.value)]),
              ),
            );
          }
          for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
          if (
            !options.json &&
            result.samples.length === 0 &&
            result.series.length === 0 &&
            result.resultType !== 'string'
          ) {
            io.stderr('no data\n');
          }
        } finally {
          await client.close();
        }
        done(EXIT.OK);
      },
    );
}

export function checkCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('check')
    .description("Evaluate a runbook's detection, triage or verification checks now")
    .argument('<runbook-id>', 'the runbook')
    .option(
      '-i, --input <key=value>',
      'a runbook input; repeatable',
      (v: string, p: string[]) => [...p, v],
      [] as string[],
    )
    .option('--phase <phase>', 'detection, triage or verification', 'detection')
    .option('--json', 'print the evaluations as JSON')
    .option(
      '--wait',
      "verification only: re-check every 'interval' until the criteria held for 'stableFor', or 'deadline' passes",
    )
    .addHelpText(
      'after',
      `
Exit 0 when every check passes: a detection check passes when it does not breach
(the service is healthy), a verification check when its criterion holds. Triage
checks (what the runbook's 'when:' conditions read) are shown as met or not met, and
exit 0 unless one cannot be evaluated. With --wait, exit 0 when the criteria held for the runbook's stableFor before its deadline.`,
    )
    .action(
      async (
        runbookId: string,
        options: { input: string[]; phase: string; json?: boolean; wait?: boolean },
      ) => {
        if (!(CHECK_PHASES as readonly string[]).includes(options.phase)) {
          throw new GcIncidentError('USAGE', '--phase must be detection, triage or verification');
        }
        const { config, client } = requireClient(io);
        const { context } = compose(config).validation();
        const { runbook } = findRunbook(runbookId, config.runbooksDir, context);
        const given: Record<string, string> = {};
        for (const pair of options.input) {
          const eq = pair.indexOf('=');
          if (eq <= 0) throw new GcIncidentError('USAGE', `--input ${pair}: write it as key=value`);
          given[pair.slice(0, eq)] = pair.slice(eq + 1);
        }
        const inputs = resolveInputs(runbook, given);
        if (options.wait) {
          if (options.phase !== 'verification')
            throw new GcIncidentError('USAGE', '--wait applies to --phase verification');
          try {
            done(await waitForVerification(io, runbook, inputs, client));
          } finally {
            await client.close();
          }
          return;
        }
        const phase = options.phase as CheckPhase;
        if (phaseChecks(runbook, phase).length === 0)
          io.stderr(`runbook ${runbook.metadata.id} has no ${phase} checks\n`);
        let allPass = true;
        try {
          const result = await evaluatePhaseChecks(
            runbook,
            phase,
            inputs,
            client,
            (io.clock ?? systemClock).now(),
          );
          allPass = result.pass;
          if (options.json) {
            io.stdout(
              `${JSON.stringify({ phase, pass: result.pass, evaluations: result.evaluations, runtime: result.runtime })}\n`,
            );
          } else {
            io.stdout(
              renderTable(
                ['CHECK', 'VALUE', 'CONDITION', 'VERDICT', 'REASON'],
                result.evaluations.map((e) => [
                  e.id,
                  e.value === null ? '-' : measured(e.value, findRunbookCheck(runbook, e.id)),
                  `${e.operator} ${measured(e.threshold, findRunbookCheck(runbook, e.id))}`,
                  e.verdict,
                  e.why,
                ]),
              ),
            );
            const versions = [
              ...new Set(result.runtime.map((l) => `${l.implementation ?? '?'} ${l.version ?? '?'}`)),
            ];
            if (versions.length > 0)
              io.stdout(`runtime: ${versions.join(', ')} on ${result.runtime.length} instance(s)\n`);
          }
        } finally {
          await client.close();
        }
        done(allPass ? EXIT.OK : EXIT.PROBLEMS);
      },
    );
}

/** A value in its check's unit (a ratio as the quantity it stands for), as every surface writes it. */
function measured(value: number, check: Parameters<typeof ratioQuantity>[0]): string {
  const of = ratioQuantity(check);
  return of ? formatMeasure(value * of.one, of.unit) : formatMeasure(value, check?.unit);
}

async function waitForVerification(
  io: CliIo,
  runbook: Runbook,
  inputs: Record<string, string>,
  client: MetricsClient,
): Promise<number> {
  const v = runbook.verification;
  // The driver's verification loop (its timing, mode and evaluation), as a walk and Slack verify.
  const outcome = await watchVerification(
    runbook,
    v.checks,
    inputs,
    {
      metrics: client,
      clock: io.clock ?? systemClock,
      sleep: io.sleep ?? ((delay) => new Promise((resolve) => setTimeout(resolve, delay))),
    },
    (round) =>
      io.stdout(
        `${round.at.slice(11, 19)} UTC  ${round.passing ? 'passing' : 'failing'}  held ${formatSpan(round.heldMs)} of ${v.stableFor}  ${round.evaluations.map((e, i) => evaluationFigure(e, 'verification', v.checks[i])).join('; ')}\n`,
      ),
  );
  io.stdout(
    outcome.verdict === 'stable'
      ? `verified: the criteria held for ${v.stableFor}\n`
      : `deadline passed: the criteria held only ${formatSpan(outcome.heldMs)} of ${v.stableFor}\n`,
  );
  return outcome.verdict === 'stable' ? EXIT.OK : EXIT.PROBLEMS;
}

async function drawRange(
  io: CliIo,
  options: { chart?: string; threshold?: string; operator: string; unit: Unit },
  promql: string,
  series: Series[],
  stepSeconds: number,
): Promise<void> {
  const threshold = options.threshold === undefined ? undefined : Number(options.threshold);
  if (threshold !== undefined && !Number.isFinite(threshold))
    throw new GcIncidentError('USAGE', '--threshold takes a number');
  if (!['>', '>=', '<', '<='].includes(options.operator)) {
    throw new GcIncidentError('USAGE', '--operator takes >, >=, < or <=');
  }
  await writeChart(
    options.chart ?? '',
    rangeChartSpec(series, {
      title: promql,
      threshold,
      operator: options.operator as Operator,
      stepSeconds,
      unit: options.unit,
    }),
  );
  io.stderr(`chart written to ${options.chart}\n`);
}
