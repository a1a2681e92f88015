/** Follow-up reminders (with Done, Snooze 1 day, Reassign), lists and the daily digest. */
import type { FollowUp, Incident } from '../../core/incident/model.js';
import { ownerNote } from '../../core/incident/roles.js';
import { slackDate } from '../../format/relative-time.js';
import { ACTION, stepValue } from '../ids.js';
import { escapeMrkdwn, LIMITS, splitText, truncate } from '../limits.js';
import { type Blocks, button, context, type SlackMessage, section, who } from './common.js';

const DAY = 24 * 3600 * 1000;

/** In each reader's time zone; the fallback (clients that cannot format) to the minute, in UTC. */
function when(iso: string): string {
  return slackDate(iso);
}

export function followUpLine(incident: Incident, item: FollowUp, now: Date): string {
  const overdue = now.getTime() - Date.parse(item.dueAt);
  const state =
    item.status === 'done'
      ? '✅ done'
      : item.status === 'wont-do'
        ? `🚫 won't do${item.reason ? `: ${escapeMrkdwn(item.reason)}` : ''}`
        : overdue > 0
          ? `🔴 overdue by ${Math.max(1, Math.round(overdue / DAY))} day(s)`
          : `due ${when(item.dueAt)}`;
  return `*${incident.id}/${item.id}* ${escapeMrkdwn(truncate(item.title, 300))} (${item.type}) · ${who(item.owner)}${ownerNote(item)} · ${state}`;
}

export function reminderMessage(incident: Incident, item: FollowUp, now: Date): SlackMessage {
  const value = stepValue(incident.id, item.id);
  const blocks: Blocks = [
    section(`⏰ *Follow-up reminder* for ${who(item.owner)}\n${followUpLine(incident, item, now)}`),
    context(`From ${incident.id}: ${escapeMrkdwn(truncate(incident.title, 200))}`),
    {
      type: 'actions',
      block_id: truncate(`followup:${value}`, LIMITS.blockId),
      elements: [
        button('Done', ACTION.followupDone, value, { style: 'primary' }),
        button('Snooze 1 day', ACTION.followupSnooze, value),
        {
          type: 'users_select',
          action_id: ACTION.followupReassign,
          placeholder: { type: 'plain_text', text: 'Reassign to…' },
        },
      ],
    },
  ];
  return { text: `Reminder: ${incident.id}/${item.id} ${truncate(item.title, 200)}`, blocks };
}

export function followUpListMessage(
  rows: readonly { incident: Incident; item: FollowUp }[],
  now: Date,
  title: string,
): SlackMessage {
  if (rows.length === 0) return { text: 'No follow-ups', blocks: [section(`${title}: none.`)] };
  const blocks: Blocks = [section(`*${title}*`)];
  const lines = rows.map(({ incident, item }) => `• ${followUpLine(incident, item, now)}`);
  for (const piece of splitText(lines.join('\n'), LIMITS.sectionText)) blocks.push(section(piece));
  return { text: `${rows.length} follow-ups`, blocks: blocks.slice(0, LIMITS.messageBlocks) };
}
