/**
 * What was checked, and what was not: a datasource outage (recorded once, from the first
 * failure to its return) and verification closed by a person who says how they verified.
 * Part of decide(): events or a coded error, pure.
 */
import { GcIncidentError } from '../errors.js';
import type { IncidentCommand } from './commands.js';
import type { PendingEvent } from './decide.js';
import { type Incident, openOutage, PHASES } from './model.js';

/** A note saying how verification was done by hand keeps this much text. */
export const MANUAL_NOTE_MAX = 1000;

type EvidenceCommand = Extract<
  IncidentCommand,
  { type: 'record-outage' | 'record-recovery' | 'verify-by-hand' }
>;

function illegal(message: string, details: Record<string, unknown>): never {
  throw new GcIncidentError('ILLEGAL_TRANSITION', message, details);
}

export function decideEvidence(incident: Incident, command: EvidenceCommand): PendingEvent[] {
  switch (command.type) {
    case 'record-outage':
      if (openOutage(incident, command.datasource)) return [];
      return [
        {
          type: 'datasource.unavailable',
          data: { datasource: command.datasource, message: command.message.slice(0, 500) },
        },
      ];
    case 'record-recovery': {
      const outage = openOutage(incident, command.datasource);
      if (!outage) return [];
      return [
        { type: 'datasource.recovered', data: { datasource: command.datasource, since: outage.since } },
      ];
    }
    case 'verify-by-hand': {
      const note = command.note.trim();
      if (note === '')
        illegal(
          'verifying by hand needs a note saying how it was verified (e.g. "checked in Grafana: p99 back to 4 ms")',
          {
            reason: 'no-note',
          },
        );
      if (note.length > MANUAL_NOTE_MAX)
        illegal(`the note is ${note.length} characters; keep it under ${MANUAL_NOTE_MAX}`, {
          reason: 'note-too-long',
        });
      if (PHASES.indexOf(incident.phase) < PHASES.indexOf('verification'))
        illegal(
          `verification has not started (the incident is in ${incident.phase}): start verification first`,
          {
            reason: 'not-verifying',
            phase: incident.phase,
          },
        );
      if (incident.verifiedByHand) return [];
      const checks = incident.steps.filter((s) => s.phase === 'verification' && s.kind === 'check');
      const running = checks.filter((s) => s.status === 'running');
      if (running.length > 0)
        illegal('verification is running: wait for its verdict before verifying by hand', {
          reason: 'verification-running',
          steps: running.map((s) => s.id),
        });
      if (checks.length > 0 && checks.every((s) => s.status === 'done'))
        illegal('verification already held: there is nothing to verify by hand', { reason: 'already-held' });
      // The checks that did not run are skipped, saying why: nothing measured them.
      const open = checks.filter((s) => s.status === 'pending' || s.status === 'failed');
      return [
        ...open.map((s) => ({
          type: 'step.skipped' as const,
          data: {
            stepId: s.id,
            before: s.status,
            after: 'skipped',
            reason: `verified by hand instead: ${note}`,
          },
        })),
        { type: 'verification.by-hand', data: { before: null, after: command.actor, note } },
      ];
    }
  }
}
