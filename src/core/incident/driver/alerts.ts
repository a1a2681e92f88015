/**
 * Alerts through the driver, on every surface that receives them: an alert of a cause with a
 * live incident attaches to it (recorded on its timeline), one resolved soon enough re-opens it
 * (a relapse), otherwise a new incident opens; resolved alerts only ever leave an incident.
 * The decision is src/core/alerts/cause.ts; opening (and posting a card) is the surface's.
 */
import { decideFiring, isLive } from '../../alerts/cause.js';
import {
  type FleetMember,
  type FleetPolicy,
  fleetCause,
  MAX_FLEET_MEMBERS,
  stormMembers,
} from '../../alerts/fleet.js';
import { formatSpan } from '../../duration.js';
import { GcIncidentError } from '../../errors.js';
import type { Incident } from '../model.js';
import { type DriverDeps, execOn } from './context.js';
import type { Person } from './ports.js';

export interface AlertArrival {
  readonly runbookId: string;
  readonly cause: string;
  /** The service the cause is (a fleet incident's table lists it). */
  readonly service: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly firing: readonly { readonly fingerprint: string; readonly name: string }[];
  readonly resolved: readonly string[];
  /** What fired, in a few words (the relapse reason names it). */
  readonly summary: string;
}

export interface AlertPolicy {
  readonly relapseWindowMs: number;
  /** Storms become one fleet incident; undefined: never. */
  readonly fleet?: FleetPolicy | undefined;
}

export interface FiringOutcome {
  /** `fleet`: the cause joined its runbook's fleet incident; `fleet-opened`: this alert started one. */
  readonly kind: 'opened' | 'attached' | 'relapsed' | 'fleet' | 'fleet-opened';
  readonly incident: Incident;
  /** False when another notification (a repeat, another replica) had opened it already. */
  readonly opened: boolean;
}

/** How the surface opens an incident: under `key`; `fleet`: the runbook's fleet incident. */
export type OpenForAlert = (request: {
  readonly key: string;
  readonly fleet: boolean;
}) => Promise<{ incident: Incident; opened: boolean }>;

export async function alertFiring(
  deps: DriverDeps,
  arrival: AlertArrival,
  by: Person,
  policy: AlertPolicy,
  open: OpenForAlert,
): Promise<FiringOutcome> {
  const latest = await deps.service.latestOfCause(arrival.cause);
  const decision = decideFiring(arrival.cause, latest, deps.clock.now(), policy.relapseWindowMs);
  if (decision.kind === 'open' && policy.fleet) {
    const fleet = await joinFleet(deps, arrival, by, policy.fleet, open);
    if (fleet) return fleet;
  }
  let incident: Incident;
  let opened = false;
  if (decision.kind === 'open') {
    ({ incident, opened } = await open({ key: decision.openKey, fleet: false }));
  } else if (decision.kind === 'relapse') {
    const reopened = await execOn(deps, decision.incident, {
      type: 'set-status',
      status: 'open',
      reason: `relapse: ${arrival.summary} fired again ${formatSpan(Math.round(decision.resolvedMsAgo / 1000) * 1000)} after resolution`,
      actor: by.id,
      // One relapse per resolution, whichever replica or notification gets here first.
      idempotencyKey: `alertmanager:relapse:${decision.incident.id}:${decision.incident.resolvedAt ?? ''}`,
    });
    incident = reopened.incident;
    if (reopened.events.length > 0 && !reopened.replayed) await deps.narrator.statusChanged(incident, by);
  } else {
    incident = decision.incident;
  }
  const attached = await attach(deps, incident, arrival, by, decision.kind === 'relapse');
  const kind = decision.kind === 'open' ? 'opened' : decision.kind === 'relapse' ? 'relapsed' : 'attached';
  return { kind, incident: attached, opened };
}

/**
 * A cause without an incident of its own, during its runbook's storm: it joins the live fleet
 * incident, or opens it when it is the cause that makes the storm. Undefined: no storm.
 */
async function joinFleet(
  deps: DriverDeps,
  arrival: AlertArrival,
  by: Person,
  policy: FleetPolicy,
  open: OpenForAlert,
): Promise<FiringOutcome | undefined> {
  const cause = fleetCause(arrival.runbookId);
  const live = await deps.service.latestOfCause(cause);
  const joining = { cause: arrival.cause, service: arrival.service, inputs: arrival.inputs };
  const since = new Date(deps.clock.now().getTime() - policy.windowMs);
  const recent = await deps.service.recentCauses(arrival.runbookId, since, MAX_FLEET_MEMBERS);
  // Every join lists the storm's recent causes too, so a fleet whose opener died before its
  // first join (a SIGKILL between the two writes) still lists them after the next alert.
  const storm = stormMembers(recent, joining, policy);
  let fleet: Incident;
  let kind: FiringOutcome['kind'] = 'fleet';
  let opened = false;
  if (live && isLive(live)) {
    fleet = live;
  } else {
    if (!storm) return undefined;
    // One fleet per storm, whichever replica sees it first: the key names the fleet it follows.
    ({ incident: fleet, opened } = await open({
      key: `alertmanager:fleet:${arrival.runbookId}:after:${live?.id ?? 'none'}`,
      fleet: true,
    }));
    kind = 'fleet-opened';
  }
  const members = storm ?? [joining];
  const joined = await execOn(deps, fleet, { type: 'join-fleet', members, actor: by.id });
  const attached = await attach(deps, joined.incident, arrival, by, joined.events.length > 0);
  return { kind, incident: attached, opened };
}

async function attach(
  deps: DriverDeps,
  incident: Incident,
  arrival: AlertArrival,
  by: Person,
  changed: boolean,
): Promise<Incident> {
  const attached = await execOn(deps, incident, {
    type: 'attach-alerts',
    firing: arrival.firing,
    resolved: arrival.resolved,
    actor: by.id,
  });
  if (attached.events.length > 0 || changed) await deps.narrator.changed(attached.incident);
  return attached.incident;
}

/** A person splits a service out of a fleet incident: it gets its own incident, opened by `open`. */
export async function splitFromFleet(
  deps: DriverDeps,
  fleet: Incident,
  service: string,
  by: Person,
  open: (member: FleetMember) => Promise<Incident>,
): Promise<{ fleet: Incident; incident: Incident }> {
  const member = fleet.fleet?.members.find((m) => m.service === service);
  if (!member)
    throw new GcIncidentError(
      'ILLEGAL_TRANSITION',
      `${fleet.id} lists no service '${service}' (it lists ${fleet.fleet?.members.length ?? 0} services)`,
      { incidentId: fleet.id, service },
    );
  const incident = await open(member);
  const split = await execOn(deps, fleet, {
    type: 'split-fleet',
    cause: member.cause,
    incidentId: incident.id,
    actor: by.id,
  });
  await deps.narrator.changed(split.incident);
  return { fleet: split.incident, incident };
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
