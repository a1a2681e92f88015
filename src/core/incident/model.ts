/**
 * An incident as the engine sees it: built by folding its append-only
 * timeline (see apply.ts), never edited in place.
 */
export const PHASES = ['detection', 'triage', 'containment', 'verification', 'follow-up'] as const;
export type Phase = (typeof PHASES)[number];

export const STATUSES = ['open', 'mitigated', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof STATUSES)[number];

export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';
export type StepKind =
  | 'check'
  | 'query'
  | 'simulate'
  | 'command'
  | 'link'
  | 'manual'
  | 'diagnose'
  | 'action'
  | 'follow-up';

import type { FleetMember } from '../alerts/fleet.js';
import type { Role } from '../runbook/types.js';

/** Who did something: a Slack user id (U…), `cli:<user>`, or `system`. */
export type Actor = string;

export interface StepState {
  readonly id: string;
  readonly phase: Phase;
  readonly kind: StepKind;
  readonly title: string;
  readonly optional: boolean;
  /** Containment actions only. */
  readonly risk?: 'low' | 'medium' | 'high' | undefined;
  readonly needsApproval?: boolean | undefined;
  readonly status: StepStatus;
  readonly assignee?: Actor | undefined;
  readonly approvedBy?: Actor | undefined;
  readonly reason?: string | undefined;
  /** Skipped because its runbook `when:` was not met (shown greyed, with the reason). */
  readonly skippedByCondition?: boolean | undefined;
  /** Skipped because this datasource could not answer: nothing was checked; it may run once it is back. */
  readonly skippedForOutage?: string | undefined;
  /** What running the step produced: a check evaluation, a query result summary, a simulation summary. */
  readonly result?: unknown;
  readonly updatedAt?: string | undefined;
}

export type FollowUpType = 'prevent' | 'mitigate' | 'detect' | 'process' | 'test' | 'docs';
export type FollowUpStatus = 'open' | 'done' | 'wont-do';

/** An action item: from the runbook's follow-up phase or added by hand; reminded until done. */
export interface FollowUp {
  /** F1, F2, … within the incident; written GC-2026-0001/F2 elsewhere. */
  readonly id: string;
  readonly title: string;
  readonly type: FollowUpType;
  readonly owner: Actor;
  /** UTC ISO 8601. */
  readonly dueAt: string;
  readonly status: FollowUpStatus;
  readonly reason?: string | undefined;
  /** The runbook follow-up step it came from. */
  readonly stepId?: string | undefined;
  /** Set by Snooze: no reminder before this time. */
  readonly snoozedUntil?: string | undefined;
  readonly createdAt: string;
  /** The runbook named the owner by role (`owner: service-owner`). */
  readonly ownerRole?: Role | undefined;
  /** That role was not assigned when the item was created: the commander got it instead. */
  readonly roleUnassigned?: boolean | undefined;
}

/** A Slack message someone pinned with a 📌 reaction: in the timeline and the postmortem until unpinned. */
export interface PinnedMessage {
  readonly channel: string;
  readonly ts: string;
  /** Who wrote it (a Slack user id, or a bot's name). */
  readonly author: string;
  /** Plain text (Slack's markup resolved); escaped wherever it is shown. */
  readonly text: string;
  /** When it was posted, UTC ISO 8601. */
  readonly postedAt: string;
  readonly permalink?: string | undefined;
  readonly pinnedBy: Actor;
  readonly pinnedAt: string;
}

/** What only people can write in a postmortem; absent fields are left as marked prompts. */
export interface PostmortemNotes {
  readonly summary?: string | undefined;
  readonly impact?: string | undefined;
  readonly rootCause?: string | undefined;
  readonly contributingFactors?: readonly string[] | undefined;
  readonly wentWell?: readonly string[] | undefined;
  readonly wentWrong?: readonly string[] | undefined;
  readonly lucky?: readonly string[] | undefined;
}

/** A datasource that could not answer, recorded once: from the first failure to its return. */
export interface Outage {
  readonly datasource: string;
  /** The error, in plain words, as first seen. */
  readonly message: string;
  readonly since: string;
  /** When it answered again; absent while it is still down. */
  readonly until?: string | undefined;
}

/** Verification closed by a person, without metrics: who, how (their note), when. */
export interface ManualVerification {
  readonly by: Actor;
  readonly note: string;
  readonly at: string;
}

/** The alerts attached to an incident (Alertmanager's), for its card's alert line and resolution. */
export interface AlertSummary {
  /** Fingerprints of the attached alerts firing now (at most MAX_TRACKED_ALERTS). */
  readonly firing: readonly string[];
  /** Alert names seen, first seen first (at most MAX_ALERT_NAMES). */
  readonly names: readonly string[];
  /** Notifications that changed what is firing. */
  readonly notifications: number;
  /** When the last one was attached, UTC ISO 8601. */
  readonly lastAt: string;
}

export const MAX_TRACKED_ALERTS = 1000;
export const MAX_ALERT_NAMES = 20;

export interface Incident {
  readonly id: string;
  readonly title: string;
  readonly runbookId: string;
  /** sha256 of the runbook file the incident started from. */
  readonly runbookVersion: string;
  readonly service: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly severity: 'sev1' | 'sev2' | 'sev3' | 'sev4';
  readonly status: IncidentStatus;
  readonly phase: Phase;
  readonly commander: Actor;
  /** Responders: everyone who joined (Assign to me, `/gc-incident role @x responder`). */
  readonly participants: readonly Actor[];
  /** The roles held by one person besides the commander; absent: not assigned (see roles.ts). */
  readonly roles?: Readonly<Partial<Record<'service-owner' | 'scribe', Actor>>> | undefined;
  /** Messages pinned from the incident's thread with 📌. */
  readonly pinned?: readonly PinnedMessage[] | undefined;
  readonly steps: readonly StepState[];
  /** Where the incident's Slack card lives, once posted; the card's thread holds step outputs. */
  readonly card?: { readonly channel: string; readonly ts: string } | undefined;
  /**
   * The incident's own channel, once created (sev1–sev2 by default): it is changed from there
   * (a scope check compares a request's channel with `channel.id`); `announcement` is the one
   * line in the channel it was opened from that links to it.
   */
  readonly channel?:
    | {
        readonly id: string;
        readonly announcement?: { readonly channel: string; readonly ts: string } | undefined;
      }
    | undefined;
  /**
   * The name its own channel was to have, recorded before asking Slack for it: a process that
   * died between creating the channel and recording it left a channel of that name, which the
   * retry adopts instead of creating a second one (src/slack/flow/incident-channel.ts).
   */
  readonly intendedChannel?: { readonly name: string } | undefined;
  /** The postmortem's Slack canvas, once exported: edited in place on the next export. */
  readonly canvas?: { readonly id: string } | undefined;
  /** What started the incident: a Slack message permalink, an alert, a terminal. */
  readonly trigger?: string | undefined;
  readonly followUps: readonly FollowUp[];
  readonly notes: PostmortemNotes;
  /** Datasource outages seen during the incident, oldest first. */
  readonly outages?: readonly Outage[] | undefined;
  /** Set when a person verified the fix by hand (metrics could not). */
  readonly verifiedByHand?: ManualVerification | undefined;
  /** When it was last marked resolved (absent while live): the card's "lasted" ends here. */
  readonly resolvedAt?: string | undefined;
  readonly openedAt: string;
  readonly updatedAt: string;
  /** What identifies its cause (src/core/alerts/cause.ts): alerts of this cause attach to it. */
  readonly cause?: string | undefined;
  readonly alerts?: AlertSummary | undefined;
  /** A fleet incident's services (one runbook's storm, src/core/alerts/fleet.ts). */
  readonly fleet?: { readonly members: readonly FleetMember[] } | undefined;
  /** Number of timeline events; the optimistic-concurrency version. */
  readonly version: number;
}

export interface TimelineEvent {
  /** 1-based position in the incident's timeline. */
  readonly seq: number;
  readonly incidentId: string;
  /** UTC, ISO 8601 with date. */
  readonly at: string;
  readonly actor: Actor;
  readonly type: EventType;
  readonly data: Readonly<Record<string, unknown>>;
}

export type EventType =
  | 'incident.opened'
  | 'phase.started'
  | 'step.started'
  | 'step.completed'
  | 'step.failed'
  | 'step.skipped'
  | 'step.assigned'
  | 'action.approved'
  | 'status.changed'
  | 'participant.joined'
  | 'commander.changed'
  | 'note.added'
  | 'card.posted'
  | 'channel.created'
  | 'channel.intended'
  | 'channel.announced'
  | 'severity.changed'
  | 'canvas.created'
  | 'followup.created'
  | 'followup.changed'
  | 'postmortem.noted'
  | 'role.assigned'
  | 'role.unassigned'
  | 'message.pinned'
  | 'message.unpinned'
  | 'datasource.unavailable'
  | 'datasource.recovered'
  | 'verification.by-hand'
  | 'alerts.attached'
  | 'fleet.joined'
  | 'fleet.split';

export function formatIncidentId(year: number, n: number): string {
  return `GC-${year}-${String(n).padStart(4, '0')}`;
}

export function stepOf(incident: Incident, stepId: string): StepState | undefined {
  return incident.steps.find((s) => s.id === stepId);
}

/** Snapshots written before a field existed load with its empty value. */
export function withDefaults(incident: Incident): Incident {
  return { ...incident, followUps: incident.followUps ?? [], notes: incident.notes ?? {} };
}

/** The outage of this datasource still going on, if any. */
export function openOutage(incident: Incident, datasource?: string): Outage | undefined {
  return (incident.outages ?? []).find(
    (o) => o.until === undefined && (datasource === undefined || o.datasource === datasource),
  );
}
