/**
 * query and check: read-only PromQL against the configured datasources. A query is parsed with
 * Prometheus's grammar before it is sent; a check's inputs are validated by the runbook's
 * declarations (type, pattern, enum) before they are rendered into its query, as
 * `gc-incident check` does.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { findRunbook } from '../../adapters/fs/runbook-catalog.js';
import { formatNumber } from '../../core/checks/evaluate.js';
import { CHECK_PHASES, evaluatePhaseChecks } from '../../core/checks/phase-checks.js';
import { parseDuration } from '../../core/duration.js';
import { GcIncidentError } from '../../core/errors.js';
import { resolveInputs } from '../../core/incident/inputs.js';
import type { MetricsClient } from '../../core/ports.js';
import { checkPromqlSyntax, describePromqlProblem } from '../../core/promql/syntax.js';
import { DEFAULT_DATASOURCE } from '../../core/runbook/types.js';
import { renderTable } from '../../format/table.js';
import type { McpDeps } from '../deps.js';
import { answer, guarded } from '../result.js';
import { RUNBOOK_ID } from './runbooks.js';

/** Series a query answer carries at most; the rest are counted, not sent. */
export const MAX_SERIES = 100;
/** Points of a range query at most (Prometheus itself refuses 11,000). */
const MAX_POINTS = 11_000;

const DATASOURCE = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/)
  .default(DEFAULT_DATASOURCE);

export function requireMetrics(deps: McpDeps): MetricsClient {
  if (!deps.metrics)
    throw new GcIncidentError(
      'METRICS_UNAVAILABLE',
      'no datasource configured: set PROMETHEUS_URL or DATASOURCES_FILE where the MCP server starts',
      { variable: 'PROMETHEUS_URL' },
    );
  return deps.metrics;
}

const labelText = (labels: Readonly<Record<string, string>>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;

export function registerMetricTools(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'query',
    {
      title: 'Run a PromQL query',
      description: `Run one read-only PromQL query now (or over a range ending now) against a configured datasource; at most ${MAX_SERIES} series are returned.`,
      inputSchema: {
        promql: z.string().min(1).max(4000),
        datasource: DATASOURCE,
        range: z.string().max(20).optional().describe('a range query over this long, ending now, such as 1h'),
        step: z.string().max(20).default('1m').describe('resolution of a range query'),
      },
      outputSchema: z
        .object({
          resultType: z.string(),
          series: z.array(z.object({ labels: z.record(z.string(), z.string()) }).loose()),
          truncated: z.number(),
        })
        .loose(),
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    guarded(async ({ promql, datasource, range, step }) => {
      const problem = checkPromqlSyntax(promql);
      if (problem)
        throw new GcIncidentError(
          'METRICS_BAD_QUERY',
          describePromqlProblem(promql, problem.offset, problem.atEnd),
        );
      const metrics = requireMetrics(deps);
      const now = deps.clock.now();
      let rows: {
        labels: Record<string, string>;
        value: number;
        min?: number;
        max?: number;
        points?: number;
      }[];
      let resultType: string;
      if (range !== undefined) {
        const r = parseDuration(range);
        const s = parseDuration(step);
        if (!r.ok || !s.ok || s.ms < 1000 || r.ms / s.ms > MAX_POINTS)
          throw new GcIncidentError(
            'USAGE',
            `range and step take durations such as 1h and 1m, with at most ${MAX_POINTS} points`,
          );
        const series = await metrics.range(
          datasource,
          promql,
          new Date(now.getTime() - r.ms),
          now,
          s.ms / 1000,
        );
        resultType = 'matrix';
        rows = series.map((x) => {
          const values = x.points.map(([, v]) => v);
          return {
            labels: x.labels,
            value: values.at(-1) ?? Number.NaN,
            min: Math.min(...values),
            max: Math.max(...values),
            points: values.length,
          };
        });
      } else {
        resultType = 'vector';
        rows = (await metrics.instant(datasource, promql, now)).map((x) => ({
          labels: x.labels,
          value: x.value,
        }));
      }
      const shown = rows.slice(0, MAX_SERIES);
      const finite = (v: number | undefined) => (v === undefined || Number.isFinite(v) ? v : String(v));
      const text =
        shown.length === 0
          ? 'no data\n'
          : renderTable(
              ['SERIES', 'VALUE', ...(resultType === 'matrix' ? ['MIN', 'MAX'] : [])],
              shown.map((x) => [
                labelText(x.labels),
                formatNumber(x.value),
                ...(x.min !== undefined ? [formatNumber(x.min), formatNumber(x.max ?? Number.NaN)] : []),
              ]),
            );
      return answer(
        text + (rows.length > shown.length ? `(${rows.length - shown.length} more series)\n` : ''),
        {
          resultType,
          series: shown.map((x) => ({
            ...x,
            value: finite(x.value),
            min: finite(x.min),
            max: finite(x.max),
          })),
          truncated: rows.length - shown.length,
        },
      );
    }),
  );

  server.registerTool(
    'check',
    {
      title: "Evaluate a runbook's checks",
      description:
        "Evaluate a runbook's detection, triage or verification checks now against the configured datasource (as 'gc-incident check'): each check's value, condition and verdict.",
      inputSchema: {
        runbook: RUNBOOK_ID,
        phase: z.enum(CHECK_PHASES).default('detection'),
        inputs: z
          .record(z.string().max(64), z.string().max(1000))
          .default({})
          .describe(
            'runbook inputs, such as {"job": "checkout"}; checked against the runbook before any query',
          ),
      },
      outputSchema: z
        .object({
          phase: z.string(),
          pass: z.boolean(),
          evaluations: z.array(z.object({ id: z.string(), verdict: z.string() }).loose()),
          runtime: z.array(z.record(z.string(), z.string())),
        })
        .loose(),
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    guarded(async ({ runbook: id, phase, inputs }) => {
      const { runbook } = findRunbook(id, deps.config.runbooksDir, deps.validation);
      const resolved = resolveInputs(runbook, inputs);
      const result = await evaluatePhaseChecks(
        runbook,
        phase,
        resolved,
        requireMetrics(deps),
        deps.clock.now(),
      );
      const text =
        result.evaluations.length === 0
          ? `runbook ${id} has no ${phase} checks\n`
          : renderTable(
              ['CHECK', 'VALUE', 'CONDITION', 'VERDICT', 'REASON'],
              result.evaluations.map((e) => [
                e.id,
                e.value === null ? '-' : formatNumber(e.value),
                `${e.operator} ${e.threshold}`,
                e.verdict,
                e.why,
              ]),
            );
      return answer(text, { ...result, evaluations: result.evaluations.map((e) => ({ ...e })) });
    }),
  );
}
