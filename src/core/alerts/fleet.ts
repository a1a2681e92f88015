/**
 * Storms as one incident: when more than N causes of one runbook fire within a window (a Python
 * upgrade rolled to every service, a shared library's cache), the next ones join one *fleet*
 * incident listing the affected services instead of opening a card each. Pure.
 */
import type { CauseRow } from '../ports.js';

export interface FleetPolicy {
  /** More than this many causes within the window open a fleet incident (default 10). */
  readonly keys: number;
  readonly windowMs: number;
  /** Services a fleet incident's check queries (ALERT_FLEET's third part; default 50, fleet-checks.ts). */
  readonly checkServices?: number | undefined;
}

export const DEFAULT_FLEET: FleetPolicy = { keys: 10, windowMs: 5 * 60_000 };
/** How an alert-opened incident's trigger starts: only alerts make a storm, not incidents opened by hand. */
export const ALERT_TRIGGER = 'Alertmanager: ';
/** Services one fleet incident lists; past it, the card says how many more. */
export const MAX_FLEET_MEMBERS = 1000;

/** The fleet incident's own cause: one live fleet per runbook (`{fleet}` never names inputs). */
export function fleetCause(runbookId: string): string {
  return `${runbookId}{fleet}`;
}

export function isFleetCause(cause: string): boolean {
  return cause.endsWith('{fleet}');
}

export interface FleetMember {
  readonly cause: string;
  readonly service: string;
  /** The alert's inputs, so splitting it out opens its incident with them. */
  readonly inputs?: Readonly<Record<string, string>> | undefined;
  /** Its own incident: opened before the storm was recognised, or split out by a person. */
  readonly incidentId?: string | undefined;
  /** Joined the fleet at, UTC ISO 8601. */
  readonly since?: string | undefined;
}

/**
 * Whether `cause` firing now makes a storm: the runbook's other recent causes (distinct, not
 * the fleet's own) plus this one are more than `policy.keys`. Returns the members a fleet
 * incident starts with (the recent ones keep their own incidents), or undefined.
 */
export function stormMembers(
  recent: readonly CauseRow[],
  joining: FleetMember,
  policy: FleetPolicy,
): FleetMember[] | undefined {
  const { cause } = joining;
  const members = new Map<string, FleetMember>();
  for (const row of recent) {
    if (isFleetCause(row.cause) || row.cause === cause || members.has(row.cause)) continue;
    if (!row.trigger?.startsWith(ALERT_TRIGGER)) continue;
    members.set(row.cause, { cause: row.cause, service: row.service, incidentId: row.incidentId });
  }
  if (members.size + 1 <= policy.keys) return undefined;
  return [...[...members.values()].reverse(), joining];
}
