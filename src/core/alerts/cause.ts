/**
 * Identity by cause: an alert stands for (runbook, the inputs that identify its cause), not for
 * the Alertmanager group it arrived in. Alerts of one cause share one incident whatever their
 * alert name, group or instance set; a cause firing again soon after its incident was resolved
 * re-opens that incident (a relapse) instead of opening another. Pure.
 */
import type { Incident } from '../incident/model.js';
import type { Runbook } from '../runbook/types.js';

/** Relapse window when none is configured: a cause firing within an hour of resolution re-opens. */
export const DEFAULT_RELAPSE_WINDOW_MS = 60 * 60 * 1000;

/** The inputs that identify a cause: the runbook's `incidentKey`, else `job`, else every alert-label input. */
export function incidentKeyInputs(runbook: Runbook): string[] {
  const declared = runbook.metadata.incidentKey;
  if (declared && declared.length > 0) return [...declared].sort();
  const inputs = runbook.inputs ?? [];
  if (inputs.some((i) => i.name === 'job')) return ['job'];
  return inputs
    .filter((i) => i.sources.includes('alert-label'))
    .map((i) => i.name)
    .sort();
}

/**
 * The cause's name, as the store indexes it: `gc-cyclic-garbage-growth{job="api"}` (values
 * JSON-quoted, inputs sorted). Undefined when a key input has no value (nothing to match on).
 */
export function causeOf(runbook: Runbook, inputs: Readonly<Record<string, string>>): string | undefined {
  const parts: string[] = [];
  for (const name of incidentKeyInputs(runbook)) {
    const value = inputs[name];
    if (value === undefined) return undefined;
    parts.push(`${name}=${JSON.stringify(String(value))}`);
  }
  return `${runbook.metadata.id}{${parts.join(',')}}`;
}

export type FiringDecision =
  /** No incident of this cause is live or recently resolved: open one, under `openKey`. */
  | { readonly kind: 'open'; readonly openKey: string }
  /** An incident of this cause is open or mitigated: the alert joins it. */
  | { readonly kind: 'attach'; readonly incident: Incident }
  /** The cause's incident was resolved within the relapse window: it re-opens. */
  | { readonly kind: 'relapse'; readonly incident: Incident; readonly resolvedMsAgo: number };

export function isLive(incident: Incident): boolean {
  return incident.status === 'open' || incident.status === 'mitigated';
}

/**
 * What a firing alert of `cause` does, given the cause's latest incident. The open key names
 * the incident it follows, so replicas deciding at the same moment open the same one (the
 * store's idempotency key lets one of them in).
 */
export function decideFiring(
  cause: string,
  latest: Incident | undefined,
  now: Date,
  relapseWindowMs: number,
): FiringDecision {
  const openKey = `alertmanager:cause:${cause}:after:${latest?.id ?? 'none'}`;
  if (!latest) return { kind: 'open', openKey };
  if (isLive(latest)) return { kind: 'attach', incident: latest };
  const resolvedAt = Date.parse(latest.resolvedAt ?? latest.updatedAt);
  const ago = now.getTime() - resolvedAt;
  if (ago <= relapseWindowMs) return { kind: 'relapse', incident: latest, resolvedMsAgo: Math.max(0, ago) };
  return { kind: 'open', openKey };
}
