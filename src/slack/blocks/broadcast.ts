/**
 * State changes as one short line, posted in the card's thread *and* the channel
 * (reply_broadcast): the channel learns that an incident was contained, is being
 * verified or was resolved without opening the thread.
 */
import type { Incident, IncidentStatus, Phase } from '../../core/incident/model.js';
import { phaseTally, unverifiedPhase, verificationVerdict } from '../../core/incident/progress.js';
import { formatElapsed } from '../../format/relative-time.js';
import { escapeMrkdwn, truncate } from '../limits.js';
import { phaseLabel } from './card.js';
import { type SlackMessage, section, who } from './common.js';

const STATUS_ICON: Record<IncidentStatus, string> = {
  open: '🔴',
  mitigated: '🟠',
  resolved: '🟢',
  closed: '⚫',
};

const PHASE_SENTENCE: Record<Phase, string> = {
  detection: 'detection started',
  triage: 'symptom confirmed, triage started',
  containment: 'triage done, containment started',
  verification: 'contained, verification started',
  'follow-up': 'verification held, follow-up started',
};

/** What the phase just left showed: a phase whose checks were all skipped confirmed nothing. */
function phaseSentence(incident: Incident, phase: Phase): string {
  if (phase === 'follow-up') {
    const verdict = verificationVerdict(incident);
    if (verdict.kind === 'by-hand') return 'verified by hand, follow-up started';
    if (verdict.kind !== 'held') return 'follow-up started; *not verified*';
  }
  if (phase === 'triage' && unverifiedPhase(phaseTally(incident, 'detection')))
    return 'triage started; symptom *not checked* (detection skipped)';
  return PHASE_SENTENCE[phase];
}

export type StateChange =
  | { readonly kind: 'status'; readonly status: IncidentStatus }
  | { readonly kind: 'phase'; readonly phase: Phase }
  | { readonly kind: 'verified'; readonly heldFor: string }
  | { readonly kind: 'verified-by-hand'; readonly note: string }
  | { readonly kind: 'commander'; readonly commander: string };

function describe(incident: Incident, change: StateChange): { icon: string; what: string } {
  switch (change.kind) {
    case 'status':
      return { icon: STATUS_ICON[change.status], what: `*${change.status}*` };
    case 'phase':
      return { icon: '🔵', what: phaseSentence(incident, change.phase) };
    case 'verified':
      return { icon: '✅', what: `verification holds (stable for ${change.heldFor})` };
    case 'verified-by-hand':
      return { icon: '✋', what: `*verified by hand*: ${escapeMrkdwn(truncate(change.note, 200))}` };
    case 'commander':
      return { icon: '👤', what: `commander is now ${who(change.commander)}` };
  }
}

/** `🟢 GC-2026-0001 resolved (by @dana) · 42 min since opened · GC thrash on checkout` */
export function stateChangeMessage(
  incident: Incident,
  change: StateChange,
  actor: string,
  now: Date,
): SlackMessage {
  const { icon, what } = describe(incident, change);
  const elapsed = formatElapsed(now.getTime() - Date.parse(incident.openedAt));
  const by = actor === 'system' ? '' : ` (by ${who(actor)})`;
  const title = escapeMrkdwn(truncate(incident.title, 80));
  const line = `${icon} *${incident.id}* ${what}${by} · ${elapsed} since opened · ${title}`;
  const phase = change.kind === 'phase' ? phaseLabel(change.phase) : incident.status;
  return {
    text: `${incident.id}: ${what.replace(/\*/g, '')} (${phase}) · ${incident.title}`.slice(0, 3000),
    blocks: [section(line)],
  };
}
