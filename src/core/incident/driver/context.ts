/** What the driver's parts share: the engine, the runbook lookup, the ports, time. */
import type { Clock } from '../../ports.js';
import type { Runbook } from '../../runbook/types.js';
import type { IncidentCommand } from '../commands.js';
import type { Incident } from '../model.js';
import type { CommandOutcome, IncidentService } from '../service.js';
import type { Decisions, DriverCapabilities, Narrator } from './ports.js';

export interface DriverDeps {
  readonly service: IncidentService;
  /** The runbook an incident follows, and the file it was read from (simulations resolve `ref` from it). */
  readonly runbookOf: (incident: Incident) => { runbook: Runbook; file: string };
  readonly narrator: Narrator;
  readonly decisions: Decisions;
  readonly caps: DriverCapabilities;
  readonly clock: Clock;
  /** Waits between verification rounds (a fake clock's advance in tests). */
  readonly sleep: (ms: number) => Promise<void>;
}

/** Runs a command against the incident as the caller last saw it (no reload unless it changed meanwhile). */
export async function execOn(
  deps: DriverDeps,
  incident: Incident,
  command: IncidentCommand,
): Promise<CommandOutcome> {
  return deps.service.execute(incident.id, command, incident);
}

/** Runs a command against the stored incident (a surface that holds only its id: a background job, a modal). */
export async function execById(
  deps: DriverDeps,
  incidentId: string,
  command: IncidentCommand,
): Promise<CommandOutcome> {
  return deps.service.execute(incidentId, command);
}
