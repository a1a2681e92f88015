/**
 * Identifiers carried by buttons and views. Values hold only ids, never state:
 * a click on a card posted before a restart still finds everything in the store.
 */
export const ACTION = {
  run: 'step.run',
  done: 'step.done',
  skip: 'step.skip',
  assign: 'step.assign',
  approve: 'step.approve',
  advance: 'incident.advance',
  mitigated: 'incident.mitigated',
  resolved: 'incident.resolved',
  close: 'incident.close',
  notes: 'incident.notes',
  pickRunbook: 'start.runbook',
  followupDone: 'followup.done',
  followupSnooze: 'followup.snooze',
  followupReassign: 'followup.reassign',
  skipMetrics: 'metrics.skip',
  retryMetrics: 'metrics.retry',
  /** The datasource is back: run the metric steps skipped while it was down. */
  rerunSkipped: 'metrics.rerun',
  /** Verification closed by a person: opens the modal asking how (verify-by-hand.ts). */
  verifyByHand: 'incident.verify-by-hand',
  /** Every step of the incident, phase by phase, in a modal (show-steps.ts). */
  showSteps: 'incident.steps',
  /** The card's Roles button: opens the roles modal (src/slack/interactions/roles.ts). */
  roles: 'roles.open',
} as const;

/** The answer to "the datasource is unavailable"; the value is `INCIDENT|DATASOURCE`. */
export const METRICS_ACTION = /^metrics\.(skip|retry|rerun)$/;

export function metricsValue(incidentId: string, datasource: string): string {
  return `${incidentId}|${datasource}`;
}

export const STEP_ACTION = /^step\.(run|done|skip|assign|approve)$/;
export const INCIDENT_ACTION = /^incident\.(advance|mitigated|resolved|close|notes|verify-by-hand|steps)$/;
/** The incident buttons that set its status. */
export const STATUS_ACTION = /^incident\.(mitigated|resolved|close)$/;

export const FOLLOWUP_ACTION = /^followup\.(done|snooze|reassign)$/;

export const VIEW = {
  start: 'gc-incident.start',
  skip: 'gc-incident.skip',
  notes: 'gc-incident.notes',
  roles: 'gc-incident.roles',
  verifyByHand: 'gc-incident.verify-by-hand',
} as const;

export const SHORTCUT = 'gc_incident_from_message';

export function stepValue(incidentId: string, stepId: string): string {
  return `${incidentId}|${stepId}`;
}

export function parseStepValue(
  value: string | undefined,
): { incidentId: string; stepId: string } | undefined {
  if (!value) return undefined;
  const bar = value.indexOf('|');
  if (bar <= 0) return undefined;
  return { incidentId: value.slice(0, bar), stepId: value.slice(bar + 1) };
}
