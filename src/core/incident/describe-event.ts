/** One line per timeline event, for the terminal, Slack and the postmortem. */

import { summaryLine } from '../diagnose/render.js';
import { isDiagnoseResult } from '../diagnose/result.js';
import { roleLabel } from './decide-roles.js';
import type { TimelineEvent } from './model.js';

export function describeEvent(e: TimelineEvent): string {
  const d = e.data as Record<string, unknown>;
  switch (e.type) {
    case 'incident.opened':
      return `opened from runbook ${String(d.runbookId)} for ${String(d.service)}`;
    case 'phase.started':
      return `phase ${String(d.before)} → ${String(d.after)}`;
    case 'step.started':
    case 'step.completed':
      return `${String(d.stepId)}: ${String(d.before)} → ${String(d.after)}${summary(d.result)}`;
    case 'step.failed':
      return `${String(d.stepId)}: failed (${String(d.error)})`;
    case 'step.skipped':
      return `${String(d.stepId)}: skipped (${String(d.reason)})`;
    case 'step.assigned':
      return `${String(d.stepId)}: assigned to ${String(d.after)}`;
    case 'action.approved':
      return `${String(d.stepId)}: approved${d.role ? ` as the ${roleLabel(String(d.role))}` : ''} (${String(d.risk)} risk)`;
    case 'status.changed':
      return `status ${String(d.before)} → ${String(d.after)}${d.reason ? ` (${String(d.reason)})` : ''}`;
    case 'participant.joined':
      return 'joined';
    case 'commander.changed':
      return `commander ${String(d.before)} → ${String(d.after)}`;
    case 'note.added':
      return `note: ${String(d.text)}`;
    case 'card.posted':
      return `Slack card posted in ${String(d.channel)}`;
    case 'channel.created':
      return `incident channel ${String(d.channel)} created`;
    case 'channel.announced':
      return `incident channel announced in ${String(d.channel)}`;
    case 'severity.changed':
      return `severity ${String(d.before).toUpperCase()} → ${String(d.after).toUpperCase()}`;
    case 'channel.intended':
      return `incident channel #${String(d.name)} to be created`;
    case 'canvas.created':
      return `postmortem canvas ${String(d.canvas)} created`;
    case 'followup.created': {
      const item = d.item as {
        id: string;
        title: string;
        owner: string;
        dueAt: string;
        ownerRole?: string;
        roleUnassigned?: boolean;
      };
      const role = item.ownerRole
        ? item.roleUnassigned
          ? ` (the ${roleLabel(item.ownerRole)}: not assigned, so the commander)`
          : ` (the ${roleLabel(item.ownerRole)})`
        : '';
      return `follow-up ${item.id} "${item.title}" for ${item.owner}${role}, due ${item.dueAt}`;
    }
    case 'followup.changed':
      return `follow-up ${String(d.itemId)}: ${Object.entries(d.after as Record<string, unknown>)
        .filter(([k]) => k !== 'roleUnassigned')
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')}`;
    case 'postmortem.noted':
      return `postmortem notes: ${Object.keys(d.after as Record<string, unknown>).join(', ')}`;
    case 'role.assigned':
      if (d.role === 'responder') return `${String(d.after)} joined as responder`;
      return d.before
        ? `${roleLabel(String(d.role))} handed over: ${String(d.before)} → ${String(d.after)}`
        : `${roleLabel(String(d.role))}: ${String(d.after)}`;
    case 'role.unassigned':
      return `${roleLabel(String(d.role))} unassigned (was ${String(d.before)}); the commander stands in`;
    case 'message.pinned':
      return `📌 pinned a message from ${String(d.author)} (${String(d.postedAt)}): "${String(d.text)}"`;
    case 'message.unpinned':
      return `📌 unpinned the message of ${String(d.ts)}`;
    case 'datasource.unavailable':
      return `datasource '${String(d.datasource)}' unreachable: ${String(d.message)}`;
    case 'datasource.recovered':
      return `datasource '${String(d.datasource)}' answers again (down since ${String(d.since)})`;
    case 'verification.by-hand':
      return `verified by hand by ${String(d.after)}: ${String(d.note)}`;
    case 'alerts.attached': {
      const parts = [
        (d.firing as string[]).length > 0 ? `${(d.firing as string[]).length} firing` : '',
        (d.resolved as string[]).length > 0 ? `${(d.resolved as string[]).length} resolved` : '',
        (d.names as string[]).length > 0 ? `new: ${(d.names as string[]).join(', ')}` : '',
      ];
      return `alerts attached: ${parts.filter(Boolean).join('; ')}`;
    }
    case 'fleet.joined':
      return `fleet: ${(d.members as { service: string }[]).map((m) => m.service).join(', ')} joined`;
    case 'fleet.split':
      return `fleet: ${String(d.service)} split out into ${String(d.incidentId)}`;
  }
}

function summary(result: unknown): string {
  if (!result || typeof result !== 'object') return '';
  if (isDiagnoseResult(result)) return ` [${summaryLine(result.state)}]`;
  const r = result as { outcome?: string; reason?: string; rows?: unknown[] };
  if (r.outcome) return ` [${r.outcome}: ${r.reason ?? ''}]`;
  if (Array.isArray(r.rows)) return ` [simulation: ${r.rows.length} variant(s)]`;
  return '';
}
