/**
 * Roles and the record in Slack: the card's roles line, the roles modal (role + person),
 * and the thread lines that say what changed (a role assigned or handed over, a note,
 * a message pinned or unpinned). Pure; every text from Slack or a runbook is escaped.
 */
import type { ModalView, PlainTextOption } from '@slack/types';
import type { Incident, PinnedMessage } from '../../core/incident/model.js';
import { INCIDENT_ROLES, type IncidentRole, ROLE_LABEL, roleTable } from '../../core/incident/roles.js';
import { VIEW } from '../ids.js';
import { escapeMrkdwn, LIMITS, truncate } from '../limits.js';
import { context, type SlackMessage, section, who } from './common.js';

const UNASSIGNED = '_not assigned_';

/** A Slack user as a mention; anyone else (a terminal name, a bot's name) as escaped text. */
export function person(actor: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(actor) ? who(actor) : escapeMrkdwn(actor);
}

/** 👥 Commander @a · Service owner @b · Scribe _unassigned…_ · Responders @c, @d */
export function rolesLine(incident: Incident): string {
  const r = roleTable(incident);
  const responders = r.responders.length > 0 ? r.responders.map(person).join(', ') : '—';
  return [
    `👥 *Commander* ${person(r.commander)}`,
    `*Service owner* ${r.serviceOwner ? person(r.serviceOwner) : UNASSIGNED}`,
    `*Scribe* ${r.scribe ? person(r.scribe) : UNASSIGNED}`,
    `*Responders* ${truncate(responders, 600)}`,
    ...(r.serviceOwner && r.scribe ? [] : ['_the commander stands in for roles not assigned_']),
  ].join('  ·  ');
}

function option(role: IncidentRole): PlainTextOption {
  const label = ROLE_LABEL[role];
  return { text: { type: 'plain_text', text: label.charAt(0).toUpperCase() + label.slice(1) }, value: role };
}

/** Assign a role or hand it over: pick the role, then the person. */
export function rolesModal(incident: Incident, role?: IncidentRole): ModalView {
  const initial = role ? option(role) : undefined;
  return {
    type: 'modal',
    callback_id: VIEW.roles,
    private_metadata: incident.id,
    title: { type: 'plain_text', text: 'Roles' },
    submit: { type: 'plain_text', text: 'Assign' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(truncate(`*${incident.id}* · ${escapeMrkdwn(incident.title)}\n${rolesLine(incident)}`, 2900)),
      {
        type: 'input',
        block_id: 'role',
        label: { type: 'plain_text', text: 'Role' },
        element: {
          type: 'static_select',
          action_id: 'value',
          options: INCIDENT_ROLES.map(option),
          ...(initial ? { initial_option: initial } : {}),
        },
      },
      {
        type: 'input',
        block_id: 'person',
        label: { type: 'plain_text', text: 'Person' },
        element: { type: 'users_select', action_id: 'value' },
      },
      context(
        'Handing over a role records who had it. Follow-ups and approvals the runbook gives a role go to whoever holds it; an unassigned role goes to the commander. To take a role back: `/gc-incident role owner none`. Only the commander or an approver gives roles; anyone may join as a responder or step down from their own role.',
      ),
    ],
  };
}

export function roleNotice(
  role: IncidentRole,
  before: string | null,
  after: string,
  by: string,
): SlackMessage {
  const label = ROLE_LABEL[role];
  const text =
    role === 'responder'
      ? `👥 ${person(after)} joined as responder (by ${person(by)}).`
      : before
        ? `👥 ${person(by)} handed the ${label} role over: ${person(before)} → ${person(after)}.`
        : `👥 ${person(after)} is the ${label} (assigned by ${person(by)}).`;
  return { text: `${label}: ${after}`, blocks: [section(text)] };
}

export function roleTakenBackNotice(role: IncidentRole, before: string, by: string): SlackMessage {
  const label = ROLE_LABEL[role];
  return {
    text: `${label}: not assigned`,
    blocks: [
      section(
        `👥 ${person(by)} took the ${label} role back from ${person(before)}: nobody holds it now, the commander stands in.`,
      ),
    ],
  };
}

export function noteNotice(text: string, by: string): SlackMessage {
  return {
    text: 'Note added to the timeline',
    blocks: [
      section(`📝 Note from ${person(by)}: ${escapeMrkdwn(truncate(text, LIMITS.sectionText - 200))}`),
    ],
  };
}

export function pinnedNotice(pin: PinnedMessage, pinned: boolean): SlackMessage {
  const link = pin.permalink?.startsWith('https://') ? `<${pin.permalink}|message>` : 'message';
  const quote = escapeMrkdwn(truncate(pin.text.replace(/\s+/g, ' '), 200));
  return {
    text: pinned ? 'Pinned to the timeline' : 'Unpinned from the timeline',
    blocks: [
      context(
        pinned
          ? `📌 ${person(pin.pinnedBy)} pinned a ${link} from ${person(pin.author)} to the timeline and postmortem: “${quote}”`
          : `📌 The ${link} from ${person(pin.author)} is no longer pinned: removed from the timeline and postmortem.`,
      ),
    ],
  };
}
