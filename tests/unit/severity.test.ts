/**
 * Severity raised or lowered: `/gc-incident severity [ID] sevN` parses to one request, the
 * engine records `severity.changed` (nothing when it is the same, refused once closed), and the
 * incident and the timeline's words follow.
 */
import { describe, expect, it } from 'vitest';
import { apply } from '../../src/core/incident/apply.js';
import { decide } from '../../src/core/incident/decide.js';
import { describeEvent } from '../../src/core/incident/describe-event.js';
import type { Incident, TimelineEvent } from '../../src/core/incident/model.js';
import { parseSlashText } from '../../src/slack/command-parser.js';

function opened(extra: Partial<Incident> = {}): Incident {
  const event: TimelineEvent = {
    seq: 1,
    incidentId: 'GC-2026-0042',
    at: '2026-12-06T20:00:00.000Z',
    actor: 'U0ALICE001',
    type: 'incident.opened',
    data: {
      title: 'T',
      runbookId: 'r',
      runbookVersion: 'v',
      service: 's',
      inputs: {},
      severity: 'sev3',
      commander: 'U0ALICE001',
      steps: [],
    },
  };
  return { ...(apply(undefined, event) as Incident), ...extra };
}

describe('severity', () => {
  it('parses with or without an incident id, and refuses anything but sev1–sev4', () => {
    expect(parseSlashText('severity SEV1')).toEqual({
      kind: 'severity',
      incidentId: undefined,
      severity: 'sev1',
    });
    expect(parseSlashText('severity gc-2026-0042 sev2')).toEqual({
      kind: 'severity',
      incidentId: 'GC-2026-0042',
      severity: 'sev2',
    });
    for (const text of [
      'severity',
      'severity high',
      'severity sev5',
      'severity GC-2026-0042',
      'severity sev1 sev2',
    ])
      expect(parseSlashText(text).kind, text).toBe('invalid');
  });

  it('is recorded as severity.changed, once; refused on a closed incident', () => {
    const incident = opened();
    const [pending] = decide(incident, { type: 'set-severity', severity: 'sev1', actor: 'U0BOB00001' });
    expect(pending).toEqual({ type: 'severity.changed', data: { before: 'sev3', after: 'sev1' } });
    const event: TimelineEvent = {
      seq: 2,
      incidentId: incident.id,
      at: '2026-12-06T20:05:00.000Z',
      actor: 'U0BOB00001',
      type: 'severity.changed',
      data: pending?.data ?? {},
    };
    const raised = apply(incident, event) as Incident;
    expect(raised.severity).toBe('sev1');
    expect(describeEvent(event)).toContain('SEV3 → SEV1');
    expect(decide(raised, { type: 'set-severity', severity: 'sev1', actor: 'U0BOB00001' })).toEqual([]);
    expect(() =>
      decide(opened({ status: 'closed' }), { type: 'set-severity', severity: 'sev1', actor: 'U0BOB00001' }),
    ).toThrow(/closed/);
  });
});
