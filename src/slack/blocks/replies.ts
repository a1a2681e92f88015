/** Ephemeral answers to `/gc-incident` sub-commands: help, lists, status. */

import { describeEvent } from '../../core/incident/describe-event.js';
import type { Incident, TimelineEvent } from '../../core/incident/model.js';
import { statusWords } from '../../core/incident/progress.js';
import type { Runbook } from '../../core/runbook/types.js';
import { WHAT_IF_HELP } from '../../core/simulator/what-if.js';
import { slackDate } from '../../format/relative-time.js';
import { escapeMrkdwn, LIMITS, splitText, truncate } from '../limits.js';
import { phaseLabel, progressLine, stepLine } from './card.js';
import { type Blocks, context, type SlackMessage, section, who } from './common.js';
import { nextAction } from './next-action.js';
import { statusChecksBlock } from './status-checks.js';

export const USAGE = [
  '`/gc-incident` or `/gc-incident start`: open the start form',
  '`/gc-incident start RUNBOOK_ID [service=S] [severity=sev2] [key=value …]`: start directly',
  '`/gc-incident list [all]`: open incidents (all: including closed)',
  '`/gc-incident status [ID]`: where an incident is (default: this channel’s latest)',
  '`/gc-incident runbooks`: the runbooks you can start',
  `\`/gc-incident simulate WORKLOAD|RUNBOOK_ID/STEP_ID [what-if …]\`: run the GC simulator (what-ifs: ${WHAT_IF_HELP})`,
  '`/gc-incident export [ID] [md|json|html]`: the postmortem',
  '`/gc-incident close [ID]`: close a resolved incident',
  '`/gc-incident split ID SERVICE`: a service of a fleet incident gets its own incident',
  '`/gc-incident followup add @owner "what" due=3d [type=prevent]`, `followup list [ID|mine]`, `followup done F1`, `followup wontdo F1 "why"`: action items with reminders',
  '`/gc-incident role [ID] @someone owner|commander|scribe|responder`: assign or hand over a role; `role [ID] owner|scribe none`: take it back',
  '`/gc-incident note [ID] TEXT`: a note on the timeline and in the postmortem; 📌 on a thread message pins it there too',
  "`/gc-incident severity [ID] sev1|sev2|sev3|sev4`: raise or lower the severity (the card and its channel's topic follow)",
  '`/gc-incident help`: this message',
].join('\n');

export function helpMessage(problem?: string): SlackMessage {
  const blocks: Blocks = [];
  if (problem) blocks.push(section(`⚠️ ${truncate(problem, 1000)}`));
  blocks.push(section(`*gc-incident* walks on-call engineers through GC runbooks.\n${USAGE}`));
  blocks.push(
    context(
      'To start from a message in a thread, use the message shortcut *Start GC incident from this message*.',
    ),
  );
  return { text: problem ? `gc-incident: ${problem.replace(/`/g, '')}` : 'gc-incident help', blocks };
}

export function runbooksMessage(runbooks: readonly Runbook[]): SlackMessage {
  const lines = runbooks.map(
    (r) =>
      `• \`${r.metadata.id}\` ${escapeMrkdwn(r.metadata.title)} (${r.metadata.severity}, CPython ${r.metadata.pythonVersions.join(', ')})`,
  );
  const blocks: Blocks = [section(`*${runbooks.length} runbook(s)*`)];
  // splitText packs whole lines into sections of at most 3000 characters.
  for (const piece of splitText(lines.join('\n'), LIMITS.sectionText)) blocks.push(section(piece));
  blocks.push(context('Start one with `/gc-incident start RUNBOOK_ID service=NAME`'));
  return { text: `${runbooks.length} runbooks`, blocks: blocks.slice(0, LIMITS.messageBlocks) };
}

/** Age and opening time: Slack renders `{ago}` in each reader's time zone and keeps it current. */
function age(incident: Incident): string {
  return slackDate(incident.openedAt, 'opened {ago} ({date_short_pretty} {time})');
}

export function listMessage(incidents: readonly Incident[], all: boolean): SlackMessage {
  if (incidents.length === 0)
    return { text: 'No incidents', blocks: [section(all ? 'No incidents yet.' : 'No open incidents. 🎉')] };
  const lines = incidents.map(
    (i) =>
      `• *${i.id}* [${i.severity}] ${escapeMrkdwn(truncate(i.title, 120))}\n    ${phaseLabel(i.phase)} · ${i.status} · ${who(i.commander)} · ${age(i)}${i.status === 'closed' ? '' : `\n    👉 ${nextAction(i).sentence}`}`,
  );
  const blocks: Blocks = [section(`*${incidents.length} ${all ? '' : 'open '}incident(s)*`)];
  // splitText packs whole lines into sections of at most 3000 characters.
  for (const piece of splitText(lines.join('\n'), LIMITS.sectionText)) blocks.push(section(piece));
  return { text: `${incidents.length} incidents`, blocks: blocks.slice(0, LIMITS.messageBlocks) };
}

/**
 * Where one incident is, in a few blocks: phase, status, commander, age, the next step, the
 * current phase's steps (checks with their values), the other phases' checks (value, or operator and
 * threshold before they run) and the last events, times in Slack's formatting.
 */
/**
 * An event's words in Slack: escaped, then people's ids as mentions (Slack shows each reader
 * the name) and ISO times as date tokens (each reader's zone, no milliseconds).
 */
export function slackEventText(text: string): string {
  return escapeMrkdwn(text)
    .replace(/\b[UW][A-Z0-9]{8,}\b/g, (id) => `<@${id}>`)
    .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z\b/g, (iso) =>
      slackDate(iso, '{date_short_pretty} {time}'),
    );
}

export function statusMessage(
  incident: Incident,
  timeline: readonly TimelineEvent[],
  runbook?: Runbook,
): SlackMessage {
  const steps = incident.steps.filter((s) => s.phase === incident.phase);
  const blocks: Blocks = [
    section(
      `*${incident.id}* [${incident.severity.toUpperCase()}] ${escapeMrkdwn(truncate(incident.title, 200))}\n` +
        `${phaseLabel(incident.phase)} · ${statusWords(incident)} · commander ${who(incident.commander)} · ${escapeMrkdwn(truncate(incident.service, 80))} · ${age(incident)}`,
    ),
    section(`👉 *Next:* ${nextAction(incident).sentence}`),
    context(progressLine(incident)),
  ];
  for (const step of steps.slice(0, 10)) blocks.push(section(stepLine(step, runbook)));
  if (steps.length > 10)
    blocks.push(context(`…and ${steps.length - 10} more steps in ${phaseLabel(incident.phase)}`));
  const checks = statusChecksBlock(incident, runbook);
  if (checks) blocks.push(checks);
  const recent = timeline
    .slice(-5)
    .map(
      (e) =>
        `${slackDate(e.at, '{time}')}  ${who(e.actor)}  ${slackEventText(truncate(describeEvent(e), 200))}`,
    );
  if (recent.length > 0) blocks.push(context(`*Last events*\n${recent.join('\n')}`));
  return {
    text: `${incident.id}: ${incident.status}, ${phaseLabel(incident.phase)}`,
    blocks: blocks.slice(0, LIMITS.messageBlocks),
  };
}
