/** What surfaces (terminal, Slack, Alertmanager) ask the engine to do. */
import type { FleetMember } from '../alerts/fleet.js';
import type {
  Actor,
  FollowUp,
  FollowUpType,
  Incident,
  IncidentStatus,
  Phase,
  PostmortemNotes,
} from './model.js';
import type { RoleAuthority } from './role-permissions.js';
import type { IncidentRole } from './roles.js';

interface Base {
  readonly actor: Actor;
  /** Slack retries and double clicks send the same command twice; the key makes the second a replay. */
  readonly idempotencyKey?: string | undefined;
}

export type IncidentCommand =
  | (Base & { type: 'start-step'; stepId: string })
  | (Base & { type: 'complete-step'; stepId: string; result?: unknown })
  | (Base & { type: 'fail-step'; stepId: string; error: string; result?: unknown })
  | (Base & {
      type: 'skip-step';
      stepId: string;
      reason: string;
      byCondition?: boolean | undefined;
      /** The datasource whose outage is why (the step may run again once it is back). */
      outage?: string | undefined;
    })
  /** A datasource stopped answering (recorded once per outage) or answered again. */
  | (Base & { type: 'record-outage'; datasource: string; message: string })
  | (Base & { type: 'record-recovery'; datasource: string })
  /** Verification closed by a person without metrics: the note says how it was verified. */
  | (Base & { type: 'verify-by-hand'; note: string })
  | (Base & { type: 'assign-step'; stepId: string; assignee: Actor })
  | (Base & {
      type: 'approve-action';
      stepId: string;
      /** The role the approver was allowed as, when a role allowed them. */
      as?: IncidentRole | undefined;
    })
  | (Base & { type: 'advance-phase'; to?: Phase | undefined })
  | (Base & { type: 'set-status'; status: IncidentStatus; reason?: string | undefined })
  | (Base & { type: 'join' })
  | (Base & { type: 'set-commander'; commander: Actor })
  | (Base & { type: 'add-note'; text: string })
  | (Base & { type: 'record-card'; channel: string; ts: string })
  /** The incident's own channel, and the one line announcing it in the channel it was opened from. */
  | (Base & {
      type: 'record-channel';
      channel: string;
      announcement?: { channel: string; ts: string } | undefined;
    })
  /** The line announcing the incident's channel where it was opened, once Slack has it (posted after the card). */
  | (Base & { type: 'record-announcement'; channel: string; ts: string })
  /** The channel's name, recorded before conversations.create: a retry adopts what a crash left. */
  | (Base & { type: 'intend-channel'; name: string })
  /** A person raises or lowers the severity; the card, the channel's topic and its line follow. */
  | (Base & { type: 'set-severity'; severity: Incident['severity'] })
  | (Base & { type: 'record-canvas'; canvas: string })
  | (Base & {
      type: 'add-followup';
      title: string;
      owner: Actor;
      dueAt: string;
      followUpType: FollowUpType;
      stepId?: string | undefined;
      /** The runbook named the owner by this role; `roleUnassigned`: the commander stands in. */
      ownerRole?: IncidentRole | undefined;
      roleUnassigned?: boolean | undefined;
    })
  | (Base & {
      type: 'update-followup';
      itemId: string;
      change: Partial<Pick<FollowUp, 'status' | 'reason' | 'owner' | 'dueAt' | 'snoozedUntil'>>;
    })
  | (Base & { type: 'note-postmortem'; notes: PostmortemNotes })
  /** Assign a role, or hand it over (the role had a holder); a responder joins. */
  | (Base & { type: 'assign-role'; role: IncidentRole; person: Actor; authority?: RoleAuthority | undefined })
  | (Base & { type: 'unassign-role'; role: IncidentRole; authority?: RoleAuthority | undefined })
  | (Base & {
      type: 'pin-message';
      channel: string;
      ts: string;
      author: string;
      text: string;
      postedAt: string;
      permalink?: string | undefined;
    })
  | (Base & { type: 'unpin-message'; channel: string; ts: string })
  /** Alerts of the incident's cause arrived: firing ones join it, resolved ones leave it. */
  | (Base & {
      type: 'attach-alerts';
      firing: readonly { readonly fingerprint: string; readonly name: string }[];
      resolved: readonly string[];
    })
  /** Services join a fleet incident; one already listed is not listed twice. */
  | (Base & { type: 'join-fleet'; members: readonly FleetMember[] })
  /** A person splits a service out of the fleet into its own incident. */
  | (Base & { type: 'split-fleet'; cause: string; incidentId: string });
