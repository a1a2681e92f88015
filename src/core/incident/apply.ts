/** Folds timeline events into the incident. The only way incident state changes. */
import { applyAttached, applyFleet } from './alerts-attached.js';
import type {
  FollowUp,
  Incident,
  PinnedMessage,
  PostmortemNotes,
  StepState,
  TimelineEvent,
} from './model.js';

export function apply(incident: Incident | undefined, event: TimelineEvent): Incident {
  const d = event.data as Record<string, unknown>;
  if (event.type === 'incident.opened') {
    return {
      id: event.incidentId,
      title: String(d.title),
      runbookId: String(d.runbookId),
      runbookVersion: String(d.runbookVersion),
      service: String(d.service),
      inputs: (d.inputs ?? {}) as Record<string, string>,
      severity: d.severity as Incident['severity'],
      status: 'open',
      phase: 'detection',
      commander: String(d.commander),
      participants: [],
      steps: d.steps as StepState[],
      trigger: typeof d.trigger === 'string' ? d.trigger : undefined,
      ...(typeof d.cause === 'string' ? { cause: d.cause } : {}),
      followUps: [],
      notes: {},
      openedAt: event.at,
      updatedAt: event.at,
      version: event.seq,
    };
  }
  if (!incident) throw new Error(`event ${event.type} before incident.opened`);
  const base = { ...incident, updatedAt: event.at, version: event.seq };
  const patchStep = (patch: (s: StepState) => StepState): Incident => ({
    ...base,
    steps: incident.steps.map((s) => (s.id === d.stepId ? { ...patch(s), updatedAt: event.at } : s)),
  });
  switch (event.type) {
    case 'phase.started':
      return { ...base, phase: d.after as Incident['phase'] };
    case 'step.started':
      return patchStep((s) => ({ ...s, status: 'running', reason: undefined, skippedForOutage: undefined }));
    case 'step.completed':
      return patchStep((s) => ({ ...s, status: 'done', result: d.result ?? undefined }));
    case 'step.failed':
      return patchStep((s) => ({
        ...s,
        status: 'failed',
        reason: String(d.error),
        result: d.result ?? undefined,
      }));
    case 'step.skipped':
      return patchStep((s) => ({
        ...s,
        status: 'skipped',
        reason: String(d.reason),
        ...(d.byCondition === true ? { skippedByCondition: true } : {}),
        ...(typeof d.outage === 'string' ? { skippedForOutage: d.outage } : {}),
      }));
    case 'step.assigned':
      return patchStep((s) => ({ ...s, assignee: String(d.after) }));
    case 'action.approved':
      return patchStep((s) => ({ ...s, approvedBy: String(d.after) }));
    case 'status.changed':
      return {
        ...base,
        status: d.after as Incident['status'],
        // Absent while live (a relapse clears it); a close without resolution starts the relapse window too.
        resolvedAt:
          d.after === 'resolved'
            ? event.at
            : d.after === 'closed'
              ? (incident.resolvedAt ?? event.at)
              : undefined,
      };
    case 'alerts.attached':
      return { ...base, alerts: applyAttached(incident, d, event.at) };
    case 'fleet.joined':
    case 'fleet.split':
      return { ...base, fleet: applyFleet(incident, event.type, d, event.at) };
    case 'participant.joined':
      return { ...base, participants: [...incident.participants, String(d.after)] };
    case 'commander.changed':
      return { ...base, commander: String(d.after) };
    case 'note.added':
      return base;
    case 'card.posted':
      return { ...base, card: { channel: String(d.channel), ts: String(d.ts) } };
    case 'channel.created': {
      const a = d.announcement as { channel: string; ts: string } | null | undefined;
      return {
        ...base,
        channel: {
          id: String(d.channel),
          ...(a ? { announcement: { channel: String(a.channel), ts: String(a.ts) } } : {}),
        },
      };
    }
    case 'channel.announced':
      if (!incident.channel) return base;
      return {
        ...base,
        channel: { ...incident.channel, announcement: { channel: String(d.channel), ts: String(d.ts) } },
      };
    case 'severity.changed':
      return { ...base, severity: String(d.after) as Incident['severity'] };
    case 'channel.intended':
      return { ...base, intendedChannel: { name: String(d.name) } };
    case 'canvas.created':
      return { ...base, canvas: { id: String(d.canvas) } };
    case 'followup.created':
      return {
        ...base,
        followUps: [...(incident.followUps ?? []), { ...(d.item as FollowUp), createdAt: event.at }],
      };
    case 'followup.changed':
      return {
        ...base,
        followUps: (incident.followUps ?? []).map((f) =>
          f.id === d.itemId ? { ...f, ...(d.after as Partial<FollowUp>) } : f,
        ),
      };
    case 'postmortem.noted':
      return { ...base, notes: { ...(incident.notes ?? {}), ...(d.after as PostmortemNotes) } };
    case 'role.assigned': {
      const person = String(d.after);
      if (d.role === 'commander') return { ...base, commander: person };
      if (d.role === 'responder') return { ...base, participants: [...incident.participants, person] };
      return { ...base, roles: { ...(incident.roles ?? {}), [String(d.role)]: person } };
    }
    case 'role.unassigned': {
      const roles = Object.entries(incident.roles ?? {}).filter(([role]) => role !== d.role);
      return { ...base, roles: Object.fromEntries(roles) };
    }
    case 'message.pinned': {
      const pin: PinnedMessage = {
        channel: String(d.channel),
        ts: String(d.ts),
        author: String(d.author),
        text: String(d.text),
        postedAt: String(d.postedAt),
        permalink: typeof d.permalink === 'string' ? d.permalink : undefined,
        pinnedBy: event.actor,
        pinnedAt: event.at,
      };
      return { ...base, pinned: [...(incident.pinned ?? []), pin] };
    }
    case 'datasource.unavailable':
      return {
        ...base,
        outages: [
          ...(incident.outages ?? []),
          { datasource: String(d.datasource), message: String(d.message), since: event.at },
        ],
      };
    case 'datasource.recovered':
      return {
        ...base,
        outages: (incident.outages ?? []).map((o) =>
          o.datasource === d.datasource && o.until === undefined ? { ...o, until: event.at } : o,
        ),
      };
    case 'verification.by-hand':
      return { ...base, verifiedByHand: { by: event.actor, note: String(d.note), at: event.at } };
    case 'message.unpinned':
      return {
        ...base,
        pinned: (incident.pinned ?? []).filter((p) => !(p.channel === d.channel && p.ts === d.ts)),
      };
  }
}

export function fold(events: readonly TimelineEvent[]): Incident | undefined {
  let incident: Incident | undefined;
  for (const event of events) incident = apply(incident, event);
  return incident;
}
