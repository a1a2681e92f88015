/**
 * Roles and what people say, as every surface records them: assign or hand over a role,
 * add a note, pin or unpin a message. Each is one command on the timeline; the surface
 * shows the result (Slack posts a line in the thread and refreshes the card).
 */
import type { IncidentCommand } from '../commands.js';
import type { Actor, Incident } from '../model.js';
import type { IncidentRole } from '../roles.js';
import type { CommandOutcome } from '../service.js';
import { type DriverDeps, execOn } from './context.js';
import type { Person } from './ports.js';

export async function assignRole(
  deps: DriverDeps,
  incident: Incident,
  role: IncidentRole,
  person: Actor,
  by: Person,
  key?: string,
): Promise<CommandOutcome> {
  return record(deps, incident, { type: 'assign-role', role, person, actor: by.id, idempotencyKey: key });
}

/** Takes a role back: nobody holds it, the commander stands in (refused for the commander). */
export function unassignRole(
  deps: DriverDeps,
  incident: Incident,
  role: IncidentRole,
  by: Person,
  key?: string,
): Promise<CommandOutcome> {
  return record(deps, incident, { type: 'unassign-role', role, actor: by.id, idempotencyKey: key });
}

export function addNote(
  deps: DriverDeps,
  incident: Incident,
  text: string,
  by: Person,
  key?: string,
): Promise<CommandOutcome> {
  return record(deps, incident, { type: 'add-note', text, actor: by.id, idempotencyKey: key });
}

export type PinCommand = Extract<IncidentCommand, { type: 'pin-message' | 'unpin-message' }>;

export function pin(deps: DriverDeps, incident: Incident, command: PinCommand): Promise<CommandOutcome> {
  return record(deps, incident, command);
}

async function record(deps: DriverDeps, incident: Incident, command: IncidentCommand) {
  const outcome = await execOn(deps, incident, command);
  if (outcome.events.length > 0 && !outcome.replayed) await deps.narrator.changed(outcome.incident);
  return outcome;
}
