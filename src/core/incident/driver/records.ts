/**
 * What a surface records beside the steps: where the incident is shown (its card, its own
 * channel, its postmortem canvas), the postmortem notes people write, and steps a dead process
 * left running. Each is one command on the timeline, sent by the driver like every other, so
 * the engine's `execute` has one caller (tests/unit/driver-boundaries.test.ts).
 */
import type { PostmortemNotes } from '../model.js';
import type { CommandOutcome } from '../service.js';
import { type DriverDeps, execById } from './context.js';
import type { Person } from './ports.js';

/** What the app records by itself, not on anyone's behalf. */
const SYSTEM = 'system';

export function recordCard(deps: DriverDeps, incidentId: string, at: { channel: string; ts: string }) {
  return execById(deps, incidentId, { type: 'record-card', channel: at.channel, ts: at.ts, actor: SYSTEM });
}

/** The incident's own channel, and the line announcing it where it was opened (if it was posted). */
export function recordChannel(
  deps: DriverDeps,
  incidentId: string,
  channel: string,
  announcement: { channel: string; ts: string } | undefined,
) {
  return execById(deps, incidentId, { type: 'record-channel', channel, announcement, actor: SYSTEM });
}

/** The line announcing the channel, posted after the card (it waits for its channel's pace). */
export function recordAnnouncement(
  deps: DriverDeps,
  incidentId: string,
  at: { channel: string; ts: string },
) {
  return execById(deps, incidentId, {
    type: 'record-announcement',
    channel: at.channel,
    ts: at.ts,
    actor: SYSTEM,
  });
}

/** Before conversations.create: the name, so a retry after a crash adopts the channel it left. */
export function intendChannel(deps: DriverDeps, incidentId: string, name: string) {
  return execById(deps, incidentId, { type: 'intend-channel', name, actor: SYSTEM });
}

export function recordCanvas(deps: DriverDeps, incidentId: string, canvas: string) {
  return execById(deps, incidentId, { type: 'record-canvas', canvas, actor: SYSTEM });
}

export function notePostmortem(
  deps: DriverDeps,
  incidentId: string,
  notes: PostmortemNotes,
  by: Person,
  key: string,
): Promise<CommandOutcome> {
  return execById(deps, incidentId, { type: 'note-postmortem', notes, actor: by.id, idempotencyKey: key });
}

/** The reason an interrupted step failed with: people read it on the card and click Run again. */
export const INTERRUPTED = 'interrupted: the gc-incident process running it stopped';

/**
 * Steps whose process died while running them fail with the reason, so they can run again.
 * `key`: the lease's, so two processes recovering the same work record it once.
 */
export async function failInterrupted(
  deps: DriverDeps,
  incidentId: string,
  stepIds: readonly string[],
  key: string,
): Promise<CommandOutcome | undefined> {
  let last: CommandOutcome | undefined;
  for (const stepId of stepIds) {
    last = await execById(deps, incidentId, {
      type: 'fail-step',
      stepId,
      actor: SYSTEM,
      error: INTERRUPTED,
      idempotencyKey: `${key}:${stepId}`,
    });
  }
  return last;
}
