/**
 * Builds the postmortem from an incident, its timeline and (optionally) its
 * runbook. Pure: the caller supplies the time of generation and any repro
 * scripts; the same inputs always give the same document.
 */
import { criterion, evaluationFigure, findRunbookCheck, isEvaluation } from '../checks/figure.js';
import { diagnoseOutcome, isDiagnoseResult } from '../diagnose/result.js';
import { describeEvent } from '../incident/describe-event.js';
import type { Incident, StepState, TimelineEvent } from '../incident/model.js';
import { verificationVerdict } from '../incident/progress.js';
import { roleTable } from '../incident/roles.js';
import type { Runbook } from '../runbook/types.js';
import type { ActionEvidence, CheckEvidence, Postmortem, SimulationEvidence, StepEvidence } from './model.js';
import { recordOf, roleChangesOf, shownTimeline } from './record.js';

export interface BuildOptions {
  readonly generatedAt: string;
  readonly runbook?: Runbook | undefined;
  /** Simulate step id → the repro script of its baseline workload. */
  readonly reproScripts?: Readonly<Record<string, string>> | undefined;
}

const HUMAN = (actor: string) => actor !== 'system';

function firstEvent(
  timeline: readonly TimelineEvent[],
  test: (e: TimelineEvent) => boolean,
): TimelineEvent | undefined {
  return timeline.find(test);
}

function since(opened: string, at: string | null): number | null {
  return at === null ? null : Math.max(0, Date.parse(at) - Date.parse(opened));
}

function lastFor(
  timeline: readonly TimelineEvent[],
  stepId: string,
  types: readonly string[],
): TimelineEvent | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const e = timeline[i] as TimelineEvent;
    if (types.includes(e.type) && e.data.stepId === stepId) return e;
  }
  return undefined;
}

function stepEvidence(step: StepState, timeline: readonly TimelineEvent[]): StepEvidence {
  const last = lastFor(timeline, step.id, ['step.completed', 'step.failed', 'step.skipped']);
  return {
    stepId: step.id,
    title: step.title,
    kind: step.kind,
    status: step.status,
    by: last?.actor ?? null,
    at: last?.at ?? null,
    // The outage itself is recorded once (Postmortem.outages); each step says only that it was not checked.
    reason: step.skippedForOutage
      ? `not checked: datasource '${step.skippedForOutage}' unreachable`
      : (step.reason ?? null),
    outcome: outcomeLine(step.result),
  };
}

function outcomeLine(result: unknown): string | null {
  if (!result || typeof result !== 'object') return null;
  if (isDiagnoseResult(result)) return diagnoseOutcome(result);
  const r = result as Record<string, unknown>;
  if (typeof r.outcome === 'string') return `${r.outcome}: ${String(r.reason ?? '')}`.trim();
  if (Array.isArray(r.rows)) return `simulated ${r.rows.length} variant(s) on CPython ${String(r.python)}`;
  if (Array.isArray(r.series)) return `${r.series.length} series from ${String(r.query ?? 'the query')}`;
  if (typeof r.method === 'string')
    return `${r.method} ${String(r.url)} → ${String(r.status ?? 'no response')}`;
  if (typeof r.followUp === 'string') return `tracked as follow-up ${r.followUp}`;
  return null;
}

function checkEvidence(
  step: StepState,
  timeline: readonly TimelineEvent[],
  runbook: Runbook | undefined,
): CheckEvidence {
  const r = (step.result ?? {}) as Record<string, unknown>;
  const check = findRunbookCheck(runbook, step.id);
  return {
    ...stepEvidence(step, timeline),
    query: typeof r.query === 'string' ? r.query : null,
    operator: typeof r.operator === 'string' ? r.operator : null,
    threshold: typeof r.threshold === 'number' ? r.threshold : null,
    value: typeof r.value === 'number' ? r.value : null,
    verdict: typeof r.verdict === 'string' ? r.verdict : typeof r.outcome === 'string' ? r.outcome : null,
    // The value against its limit in the check's unit, as the card and the thread say it.
    figure: isEvaluation(step.result) ? evaluationFigure(step.result, step.phase, check) : null,
    criterion: check ? criterion(check) : null,
  };
}

function actionEvidence(step: StepState, timeline: readonly TimelineEvent[]): ActionEvidence {
  const r = (step.result ?? {}) as Record<string, unknown>;
  return {
    ...stepEvidence(step, timeline),
    risk: step.risk ?? null,
    approvedBy: step.approvedBy ?? null,
    httpCall:
      typeof r.method === 'string'
        ? {
            method: r.method,
            url: String(r.url),
            status: typeof r.status === 'number' ? r.status : null,
            durationMs: Number(r.durationMs ?? 0),
          }
        : null,
  };
}

function simulationEvidence(
  step: StepState,
  scripts: Readonly<Record<string, string>>,
): SimulationEvidence | undefined {
  const r = step.result as
    | { python?: string; fidelity?: string; rows?: SimulationEvidence['rows'] }
    | undefined;
  if (!r?.rows) return undefined;
  return {
    stepId: step.id,
    title: step.title,
    python: String(r.python ?? ''),
    fidelity: String(r.fidelity ?? ''),
    rows: r.rows,
    reproScript: scripts[step.id] ?? null,
  };
}

function verificationOutcome(
  incident: Incident,
  timeline: readonly TimelineEvent[],
): Postmortem['verificationOutcome'] {
  const verdict = verificationVerdict(incident);
  const none = { by: null, note: null, at: null };
  if (verdict.kind === 'by-hand')
    return { how: 'by-hand', by: verdict.manual.by, note: verdict.manual.note, at: verdict.manual.at };
  if (verdict.kind === 'held') {
    const at = incident.steps
      .filter((s) => s.phase === 'verification')
      .map((s) => lastFor(timeline, s.id, ['step.completed'])?.at ?? '')
      .sort()
      .at(-1);
    return { how: 'held', ...none, at: at || null };
  }
  if (verdict.kind === 'no-checks') return { how: 'no-checks', ...none };
  if (verdict.kind === 'skipped' || verdict.kind === 'failed') return { how: 'unverified', ...none };
  return { how: 'pending', ...none };
}

export function buildPostmortem(
  incident: Incident,
  timeline: readonly TimelineEvent[],
  options: BuildOptions,
): Postmortem {
  const opened = incident.openedAt;
  const detected =
    firstEvent(
      timeline,
      (e) =>
        e.type === 'step.completed' &&
        (e.data.result as { outcome?: string } | null)?.outcome === 'holds' &&
        incident.steps.some((s) => s.id === e.data.stepId && s.phase === 'detection'),
    )?.at ?? null;
  const opener = timeline[0]?.actor;
  // Acknowledged: a person opened it (Slack, terminal), or the first thing a person did after an alert opened it.
  const acknowledged =
    opener && HUMAN(opener) ? opened : (firstEvent(timeline, (e) => HUMAN(e.actor) && e.seq > 1)?.at ?? null);
  const statusAt = (after: string) =>
    firstEvent(timeline, (e) => e.type === 'status.changed' && e.data.after === after)?.at ?? null;
  const resolved = statusAt('resolved');
  const mitigated = statusAt('mitigated') ?? resolved;
  const notes = incident.notes ?? {};
  const steps = (phase: StepState['phase']) => incident.steps.filter((s) => s.phase === phase);
  const simulations = steps('triage')
    .filter((s) => s.kind === 'simulate')
    .map((s) => simulationEvidence(s, options.reproScripts ?? {}))
    .filter((s): s is SimulationEvidence => s !== undefined);

  const prompts: string[] = [];
  if (!notes.summary) prompts.push('Summary: two or three sentences a reader outside the team understands.');
  if (!notes.impact) prompts.push('Impact: who was affected, how, for how long (users, requests, revenue).');
  if (!notes.rootCause)
    prompts.push('Root cause: why the collector behaved this way (the simulator runs above are evidence).');
  if (!notes.contributingFactors?.length)
    prompts.push('Contributing factors: what made it worse or slower to fix.');
  if (!notes.wentWell?.length) prompts.push('What went well.');
  if (!notes.wentWrong?.length) prompts.push('What went wrong.');
  if (!notes.lucky?.length) prompts.push('Where we got lucky.');

  return {
    schemaVersion: 1,
    header: {
      id: incident.id,
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      commander: incident.commander,
      service: incident.service,
      runbook: {
        id: incident.runbookId,
        version: incident.runbookVersion,
        title: options.runbook?.metadata.title ?? null,
      },
      trigger: incident.trigger ?? null,
      links: (options.runbook?.metadata.links ?? []).map((l) => ({ title: l.title, url: l.url })),
      participants: [incident.commander, ...incident.participants.filter((p) => p !== incident.commander)],
      roles: roleTable(incident),
      generatedAt: options.generatedAt,
    },
    roleChanges: roleChangesOf(timeline),
    record: recordOf(incident, timeline),
    summary: notes.summary ?? null,
    impact: notes.impact ?? null,
    keyTimes: { opened, detected, acknowledged, mitigated, resolved, closed: statusAt('closed') },
    durations: {
      timeToDetectMs: since(opened, detected),
      timeToAcknowledgeMs: since(opened, acknowledged),
      timeToMitigateMs: since(opened, mitigated),
      timeToResolveMs: since(opened, resolved),
    },
    timeline: shownTimeline(incident, timeline).map((e) => ({
      at: e.at,
      actor: e.actor,
      type: e.type,
      text: describeEvent(e),
    })),
    detection: steps('detection').map((s) => checkEvidence(s, timeline, options.runbook)),
    triage: steps('triage').map((s) => stepEvidence(s, timeline)),
    simulations,
    containment: steps('containment').map((s) => actionEvidence(s, timeline)),
    verification: steps('verification').map((s) => checkEvidence(s, timeline, options.runbook)),
    verificationOutcome: verificationOutcome(incident, timeline),
    outages: (incident.outages ?? []).map((o) => ({
      datasource: o.datasource,
      message: o.message,
      since: o.since,
      until: o.until ?? null,
    })),
    rootCause: notes.rootCause ?? null,
    contributingFactors: notes.contributingFactors ?? [],
    lessons: { wentWell: notes.wentWell ?? [], wentWrong: notes.wentWrong ?? [], lucky: notes.lucky ?? [] },
    actionItems: (incident.followUps ?? []).map((f) => ({
      id: f.id,
      title: f.title,
      type: f.type,
      owner: f.owner,
      dueAt: f.dueAt,
      status: f.status,
      reason: f.reason ?? null,
      ownerRole: f.ownerRole ?? null,
      roleUnassigned: f.roleUnassigned === true,
    })),
    prompts,
  };
}
