/**
 * A fleet incident's checks, per service: each check runs once for every listed service (its
 * key inputs substituted through the same validated templating as any incident's, at most
 * `cap` services), and the answers are summarised in one line:
 * "4/15 services above the limit (worst: svc-3 2.1 MiB/min); 1 service: no data (svc-9)".
 * A service with no data or a failed query is "can't tell", never counted as holding, so
 * verification holds only when every queried service holds. Pure: the metrics port answers.
 */
import { GcIncidentError, isGcIncidentError } from '../errors.js';
import { resolveInputs } from '../incident/inputs.js';
import { type Incident, PHASES, type Phase } from '../incident/model.js';
import type { MetricsClient } from '../ports.js';
import type { Check, Operator, Runbook } from '../runbook/types.js';
import { evaluateCheck } from './check-runner.js';
import type { CheckEvaluation, CheckOutcome } from './evaluate.js';
import { formatMeasure, ratioQuantity } from './measure.js';

/** Services one fleet check queries when nothing else is configured; past it, the summary says so. */
export const FLEET_CHECK_MAX_SERVICES = 50;
/** Queries in flight at once for one fleet check. */
const CONCURRENCY = 8;
/** Services named after "no data", "can't tell", "query failed"; the rest are counted. */
const NAMED = 5;

export type FleetServiceState = 'holds' | 'does-not-hold' | 'no-data' | 'unknown' | 'error';

export interface FleetServiceRow {
  readonly service: string;
  readonly state: FleetServiceState;
  readonly value: number | null;
  /** The value in the check's unit ("2.1 MiB/min"), when there is one. */
  readonly shown?: string | undefined;
  /** Why it could not be told (a refused input, a failed query). */
  readonly error?: string | undefined;
  /** Its inputs failed the runbook's declarations: it was never queried. */
  readonly refused?: boolean | undefined;
}

export interface FleetCheckSummary {
  /** Services the fleet lists. */
  readonly services: number;
  /** Services queried: all of them, or the first `cap`. */
  readonly queried: number;
  readonly cap: number;
  readonly holding: number;
  readonly rows: readonly FleetServiceRow[];
  /** The line every surface shows. */
  readonly summary: string;
  /** The service furthest on the bad side, with the inputs it was queried with (a chart draws it). */
  readonly worst?:
    | { readonly service: string; readonly inputs: Readonly<Record<string, string>> }
    | undefined;
}

export interface FleetTarget {
  readonly service: string;
  /** Validated (resolveInputs), or why not. */
  readonly inputs?: Readonly<Record<string, string>> | undefined;
  readonly refused?: string | undefined;
}

const KEY_PART = /([a-z_][a-z0-9_]*)=("(?:[^"\\]|\\.)*")/g;

/** The inputs a cause names (`rb{job="api"}`, as src/core/alerts/cause.ts writes it). */
export function causeInputs(cause: string): Record<string, string> {
  const open = cause.indexOf('{');
  const inner = open >= 0 ? cause.slice(open + 1, -1) : '';
  const out: Record<string, string> = {};
  for (const [, name, quoted] of inner.matchAll(KEY_PART)) {
    if (name && quoted) out[name] = String(JSON.parse(quoted));
  }
  return out;
}

/**
 * The services a fleet check queries, each with its inputs: the fleet's own, with the
 * service's (its alert's, else what its cause names) over them, validated against the
 * runbook's declarations before anything reaches PromQL. Services still in the fleet come
 * first, then those split out into their own incident; at most `cap`.
 */
export function fleetTargets(
  incident: Incident,
  runbook: Runbook,
  cap: number,
): { targets: FleetTarget[]; services: number } {
  const members = incident.fleet?.members ?? [];
  const ordered = [...members.filter((m) => !m.incidentId), ...members.filter((m) => m.incidentId)];
  const targets = ordered.slice(0, Math.max(1, cap)).map((m): FleetTarget => {
    const own = m.inputs ?? causeInputs(m.cause);
    try {
      return { service: m.service, inputs: resolveInputs(runbook, { ...incident.inputs, ...own }) };
    } catch (error) {
      return {
        service: m.service,
        refused: isGcIncidentError(error) ? error.message : 'its inputs were refused',
      };
    }
  });
  return { targets, services: members.length };
}

export interface FleetEvaluateOptions {
  readonly metrics: MetricsClient;
  readonly at: Date;
  readonly datasource: string;
  readonly phase: Phase;
  readonly cap: number;
  /** Errors meaning the datasource is down (rethrown when no service answered). */
  readonly isUnavailable: (error: unknown) => boolean;
}

/** Runs `check` for each target and returns one evaluation: the summary, the worst service's figure. */
export async function evaluateFleetCheck(
  check: Check,
  incident: Incident,
  runbook: Runbook,
  options: FleetEvaluateOptions,
): Promise<CheckEvaluation> {
  const { targets, services } = fleetTargets(incident, runbook, options.cap);
  const answers: ({ evaluation: CheckEvaluation } | { error: unknown } | { refused: string })[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < targets.length; i = next++) {
      const target = targets[i] as FleetTarget;
      if (!target.inputs) {
        answers[i] = { refused: target.refused ?? 'its inputs were refused' };
        continue;
      }
      try {
        const evaluation = await evaluateCheck(
          check,
          target.inputs,
          options.metrics,
          options.at,
          options.datasource,
        );
        answers[i] = { evaluation };
      } catch (error) {
        answers[i] = { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, targets.length) }, worker));
  const down = answers.find((a) => 'error' in a && options.isUnavailable(a.error));
  if (down && !answers.some((a) => 'evaluation' in a)) throw (down as { error: unknown }).error;
  const measure = (v: number) => {
    const of = ratioQuantity(check);
    return of ? formatMeasure(v * of.one, of.unit) : formatMeasure(v, check.unit);
  };
  const rows = targets.map((t, i): FleetServiceRow => {
    const a = answers[i];
    if (!a || 'refused' in a)
      return { service: t.service, state: 'error', value: null, error: t.refused, refused: true };
    if ('error' in a) return { service: t.service, state: 'error', value: null, error: errorText(a.error) };
    const e = a.evaluation;
    // No series is "no data" whatever the runbook's noData says: nothing was measured there.
    if (e.series.length === 0 || e.value === null)
      return { service: t.service, state: e.series.length === 0 ? 'no-data' : 'unknown', value: null };
    return {
      service: t.service,
      state: e.outcome === 'unknown' ? 'unknown' : e.outcome,
      value: e.value,
      shown: measure(e.value),
    };
  });
  const summary = summarise(rows, services, options.cap, check.operator, options.phase);
  const worst = worstRow(rows, check.operator, options.phase);
  const worstAnswer = worst ? answers[rows.indexOf(worst)] : undefined;
  const base =
    worstAnswer && 'evaluation' in worstAnswer
      ? worstAnswer.evaluation
      : answers.map((a) => ('evaluation' in a ? a.evaluation : undefined)).find((e) => e !== undefined);
  const outcome = fleetOutcome(rows, options.phase, services);
  return {
    query: base?.query ?? check.query,
    datasource: base?.datasource ?? options.datasource,
    at: options.at.toISOString(),
    operator: check.operator,
    threshold: check.threshold,
    reduce: check.reduce ?? 'any',
    // The worst service's value; with none on the bad side, the one nearest the limit's side.
    value: (worst ?? nearest(rows, check.operator))?.value ?? null,
    // One series per service that answered, labelled by service (the step's record, charts).
    series: rows
      .filter((r) => r.value !== null)
      .map((r) => ({ labels: { service: r.service }, value: r.value as number })),
    outcome,
    reason: summary.summary,
    fleet: {
      ...summary,
      ...(worst && targets[rows.indexOf(worst)]?.inputs
        ? { worst: { service: worst.service, inputs: targets[rows.indexOf(worst)]?.inputs ?? {} } }
        : {}),
    },
  };
}

/** The answered service furthest in the operator's direction (highest for > and >=, lowest for < and <=). */
function nearest(rows: readonly FleetServiceRow[], operator: Operator): FleetServiceRow | undefined {
  const down = operator === '<' || operator === '<=';
  let out: FleetServiceRow | undefined;
  for (const r of rows) {
    if (r.value === null || Number.isNaN(r.value)) continue;
    if (!out || (down ? r.value < (out.value as number) : r.value > (out.value as number))) out = r;
  }
  return out;
}

function errorText(error: unknown): string {
  return error instanceof GcIncidentError ? error.message : 'the query failed';
}

/**
 * Verification: holds only when every service of the fleet was queried and holds (services past
 * the cap were not measured: can't tell, never verified). Other phases (the symptom is there):
 * holds when any service shows it, does not hold when every service answered without it.
 */
export function fleetOutcome(
  rows: readonly FleetServiceRow[],
  phase: Phase,
  services: number = rows.length,
): CheckOutcome {
  const holding = rows.filter((r) => r.state === 'holds').length;
  const not = rows.filter((r) => r.state === 'does-not-hold').length;
  if (phase === 'verification') {
    if (not > 0) return 'does-not-hold';
    return rows.length > 0 && holding === rows.length && rows.length >= services ? 'holds' : 'unknown';
  }
  if (holding > 0) return 'holds';
  return rows.length > 0 && not === rows.length ? 'does-not-hold' : 'unknown';
}

/** Where a holding value stands against the limit, for the operator. */
function relation(operator: Operator): string {
  if (operator === '>' || operator === '>=') return 'above the limit';
  if (operator === '<' || operator === '<=') return 'below the limit';
  return operator === '==' ? 'at the limit' : 'off the limit';
}

/**
 * The service furthest on the bad side: for detection and triage holding is bad (furthest in
 * the operator's direction); for verification not holding is (furthest against it).
 */
export function worstRow(
  rows: readonly FleetServiceRow[],
  operator: Operator,
  phase: Phase,
): FleetServiceRow | undefined {
  const bad: FleetServiceState = phase === 'verification' ? 'does-not-hold' : 'holds';
  const candidates = rows.filter((r) => r.state === bad && r.value !== null);
  const up = operator === '>' || operator === '>=';
  const down = operator === '<' || operator === '<=';
  const higherIsWorse = phase === 'verification' ? down : up;
  const lowerIsWorse = phase === 'verification' ? up : down;
  let worst: FleetServiceRow | undefined;
  for (const r of candidates) {
    const v = r.value as number;
    if (
      !worst ||
      (higherIsWorse && v > (worst.value as number)) ||
      (lowerIsWorse && v < (worst.value as number))
    )
      worst = r;
  }
  return worst;
}

function named(rows: readonly FleetServiceRow[]): string {
  const names = rows.slice(0, NAMED).map((r) => r.service);
  return `${names.join(', ')}${rows.length > NAMED ? `, and ${rows.length - NAMED} more` : ''}`;
}

function count(n: number): string {
  return `${n} service${n === 1 ? '' : 's'}`;
}

export function summarise(
  rows: readonly FleetServiceRow[],
  services: number,
  cap: number,
  operator: Operator,
  phase: Phase,
): FleetCheckSummary {
  const holding = rows.filter((r) => r.state === 'holds').length;
  const worst = worstRow(rows, operator, phase);
  const parts = [
    `${holding}/${rows.length} services ${relation(operator)}${worst ? ` (worst: ${worst.service} ${worst.shown})` : ''}`,
  ];
  const noData = rows.filter((r) => r.state === 'no-data');
  const unknown = rows.filter((r) => r.state === 'unknown');
  const failed = rows.filter((r) => r.state === 'error' && !r.refused);
  const refused = rows.filter((r) => r.refused);
  if (noData.length > 0) parts.push(`${count(noData.length)}: no data (${named(noData)})`);
  if (unknown.length > 0) parts.push(`${count(unknown.length)}: can't tell (${named(unknown)})`);
  if (failed.length > 0) parts.push(`${count(failed.length)}: query failed (${named(failed)})`);
  if (refused.length > 0)
    parts.push(`${count(refused.length)}: inputs refused, not queried (${named(refused)})`);
  if (rows.length < services)
    parts.push(`queried ${rows.length} of ${services} services (at most ${cap} per check)`);
  if (phase === 'verification') {
    const all = rows.length > 0 && holding === rows.length && rows.length >= services;
    parts.push(
      all
        ? `verified on all ${rows.length} services`
        : `not verified: holds on ${holding} of ${services} services${rows.length < services ? ` (${services - rows.length} not queried)` : ''}`,
    );
  }
  return { services, queried: rows.length, cap, holding, rows, summary: parts.join('; ') };
}

/** A service on the fleet's table: where it stood on the latest checks. */
export interface FleetServiceStanding {
  /** `bad`: over the limit (the symptom is there, or verification does not hold there). */
  readonly standing: 'bad' | 'good' | 'no-data' | 'unknown' | 'error';
  readonly shown?: string | undefined;
}

/**
 * Per service, the latest checks' verdict: the fleet check results of the latest phase that
 * ran any; bad when one check is bad there, can't tell when one could not tell, else good.
 * Services no check queried are absent.
 */
export function fleetStandings(incident: Incident): Map<string, FleetServiceStanding> {
  const ran = incident.steps.filter(
    (s) => s.kind === 'check' && typeof s.result === 'object' && s.result !== null && 'fleet' in s.result,
  );
  const phase = ran.map((s) => s.phase).sort((a, b) => PHASES.indexOf(b) - PHASES.indexOf(a))[0];
  const out = new Map<string, FleetServiceStanding>();
  const rank = { bad: 4, error: 3, unknown: 2, 'no-data': 1, good: 0 } as const;
  for (const step of ran.filter((s) => s.phase === phase)) {
    const fleet = (step.result as { fleet?: FleetCheckSummary }).fleet;
    for (const row of fleet?.rows ?? []) {
      const bad = phase === 'verification' ? 'does-not-hold' : 'holds';
      const standing: FleetServiceStanding['standing'] =
        row.state === 'holds' || row.state === 'does-not-hold'
          ? row.state === bad
            ? 'bad'
            : 'good'
          : row.state;
      const before = out.get(row.service);
      if (!before || rank[standing] > rank[before.standing])
        out.set(row.service, { standing, shown: row.shown ?? before?.shown });
    }
  }
  return out;
}
