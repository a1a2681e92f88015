/**
 * Alerts through the driver, on every surface that receives them: an alert of a cause with a
 * live incident attaches to it (recorded on its timeline), one resolved soon enough re-opens it
 * (a relapse), otherwise a new incident opens; resolved alerts only ever leave an incident.
 * The decision is src/core/alerts/cause.ts; opening (and posting a card) is the surface's.
 */
import { decideFiring, isLive } from '../../alerts/cause.js';
import { formatDuration } from '../../duration.js';
import type { Incident } from '../model.js';
import { type DriverDeps, execOn } from './context.js';
import type { Person } from './ports.js';

export interface AlertArrival {
  readonly cause: string;
  readonly firing: readonly { readonly fingerprint: string; readonly name: string }[];
  readonly resolved: readonly string[];
  /** What fired, in a few words (the relapse reason names it). */
  readonly summary: string;
}

export interface FiringOutcome {
  readonly kind: 'opened' | 'attached' | 'relapsed';
  readonly incident: Incident;
  /** False when another notification (a repeat, another replica) had opened it already. */
  readonly opened: boolean;
}

/** `open` opens an incident under the given idempotency key (a replay when another got there first). */
export async function alertFiring(
  deps: DriverDeps,
  arrival: AlertArrival,
  by: Person,
  relapseWindowMs: number,
  open: (openKey: string) => Promise<{ incident: Incident; opened: boolean }>,
): Promise<FiringOutcome> {
  const latest = await deps.service.latestOfCause(arrival.cause);
  const decision = decideFiring(arrival.cause, latest, deps.clock.now(), relapseWindowMs);
  let incident: Incident;
  let opened = false;
  if (decision.kind === 'open') {
    ({ incident, opened } = await open(decision.openKey));
  } else if (decision.kind === 'relapse') {
    const reopened = await execOn(deps, decision.incident, {
      type: 'set-status',
      status: 'open',
      reason: `relapse: ${arrival.summary} fired again ${formatDuration(Math.round(decision.resolvedMsAgo / 1000) * 1000)} after resolution`,
      actor: by.id,
      // One relapse per resolution, whichever replica or notification gets here first.
      idempotencyKey: `alertmanager:relapse:${decision.incident.id}:${decision.incident.resolvedAt ?? ''}`,
    });
    incident = reopened.incident;
    if (reopened.events.length > 0 && !reopened.replayed) await deps.narrator.statusChanged(incident, by);
  } else {
    incident = decision.incident;
  }
  const attached = await execOn(deps, incident, {
    type: 'attach-alerts',
    firing: arrival.firing,
    resolved: arrival.resolved,
    actor: by.id,
  });
  if (attached.events.length > 0 || decision.kind === 'relapse')
    await deps.narrator.changed(attached.incident);
  const kind = decision.kind === 'open' ? 'opened' : decision.kind === 'relapse' ? 'relapsed' : 'attached';
  return { kind, incident: attached.incident, opened };
}

/**
 * Resolved alerts leave the cause's live incident; `allResolved` when none of its alerts is
 * still firing (then verification may start). Undefined when the cause has no live incident:
 * a resolved alert never opens one.
 */
export async function alertsResolved(
  deps: DriverDeps,
  arrival: AlertArrival,
  by: Person,
): Promise<{ incident: Incident; allResolved: boolean } | undefined> {
  const latest = await deps.service.latestOfCause(arrival.cause);
  if (!latest || !isLive(latest)) return undefined;
  const attached = await execOn(deps, latest, {
    type: 'attach-alerts',
    firing: arrival.firing,
    resolved: arrival.resolved,
    actor: by.id,
  });
  if (attached.events.length > 0) await deps.narrator.changed(attached.incident);
  return { incident: attached.incident, allResolved: (attached.incident.alerts?.firing.length ?? 0) === 0 };
}
