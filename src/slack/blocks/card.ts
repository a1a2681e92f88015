/**
 * The incident card: one message per incident, kept current with chat.update.
 * It leads: one sentence and one primary (green) button say what the runbook expects
 * next; checks show their value against the threshold; links go to the runbook, its
 * docs and a dashboard. Step outputs go to the card's thread, not here.
 */
import type { ActionsBlock, Button } from '@slack/types';
import { type Incident, PHASES, type Phase, type StepState } from '../../core/incident/model.js';
import { isAutomatable } from '../../core/incident/step-runner.js';
import type { Runbook } from '../../core/runbook/types.js';
import { formatElapsed, slackDate } from '../../format/relative-time.js';
import { ACTION, stepValue } from '../ids.js';
import { escapeMrkdwn, LIMITS } from '../limits.js';
import { alertLine } from './alert-line.js';
import { checkFigure, findRunbookCheck } from './check-figure.js';
import {
  type Attachment,
  type Blocks,
  button,
  context,
  fields,
  header,
  type SlackMessage,
  section,
  who,
} from './common.js';
import { skippedByConditionBlock } from './conditions.js';
import { diagnoseFigure } from './diagnose.js';
import { fleetTable } from './fleet-table.js';
import { advanceLabel, type NextAction, nextAction, verificationHolds } from './next-action.js';
import { rolesLine } from './roles.js';

/** What the card shows beyond the incident itself; every field optional. */
export interface CardContext {
  /** The runbook the incident follows: check thresholds and units, links. */
  readonly runbook?: Runbook | undefined;
  /** Where the runbook's source is read (RUNBOOK_BASE_URL + file). */
  readonly runbookUrl?: string | undefined;
  /** The service's dashboard over the incident window (DASHBOARD_URL_TEMPLATE filled in). */
  readonly dashboardUrl?: string | undefined;
  /** For the elapsed time; without it only Slack's live `{ago}` is shown. */
  readonly now?: Date | undefined;
}

const STATUS_ICON: Record<StepState['status'], string> = {
  pending: '⚪',
  running: '⏳',
  done: '✅',
  skipped: '⏭️',
  failed: '❌',
};

/** Slack's attachment bar: the severity while the incident is live, green once resolved. */
export const SEVERITY_COLOUR: Record<Incident['severity'], string> = {
  sev1: '#E01E5A',
  sev2: '#F2952F',
  sev3: '#ECB22E',
  sev4: '#36C5F0',
};
const RESOLVED_COLOUR = '#2EB67D';

/** Room left for step blocks after the header, fields, progress and footer. */
const MAX_STEPS_SHOWN = 18;

export function phaseLabel(phase: Phase): string {
  return phase === 'follow-up' ? 'Follow-up' : phase.charAt(0).toUpperCase() + phase.slice(1);
}

export function progressLine(incident: Incident): string {
  const current = PHASES.indexOf(incident.phase);
  return PHASES.map((phase, i) => {
    if (i < current) return `✅ ${phaseLabel(phase)}`;
    if (i === current) return `🔵 *${phaseLabel(phase)}*`;
    return `⚪ ${phaseLabel(phase)}`;
  }).join('  ➜  ');
}

export function stepLine(step: StepState, runbook?: Runbook): string {
  const figure = checkFigure(step, findRunbookCheck(runbook, step.id)) ?? diagnoseFigure(step);
  const parts = [
    `${STATUS_ICON[step.status]} *${escapeMrkdwn(step.title)}*${figure ? `  ${escapeMrkdwn(figure)}` : ''}`,
  ];
  const facts = [step.kind + (step.risk ? `, ${step.risk} risk` : ''), step.status];
  if (step.optional && step.phase !== 'containment') facts.push('optional');
  if (step.assignee) facts.push(`assigned to ${who(step.assignee)}`);
  if (step.needsApproval)
    facts.push(step.approvedBy ? `approved by ${who(step.approvedBy)}` : 'needs approval');
  parts.push(`_${facts.join(' · ')}_  \`${step.id}\``);
  if (step.reason) parts.push(`> ${escapeMrkdwn(step.reason)}`);
  return parts.join('\n');
}

/**
 * The buttons for one step. `primary` is the action id of the card's one primary button when
 * it belongs to this step (see nextAction); every other button is plain.
 */
export function stepButtons(
  incidentId: string,
  step: StepState,
  runnable: ReadonlySet<string> = new Set(),
  primary?: string,
): Button[] {
  if (step.status === 'done' || step.status === 'skipped' || step.status === 'running') return [];
  const value = stepValue(incidentId, step.id);
  const style = (actionId: string) => (actionId === primary ? { style: 'primary' as const } : {});
  const out: Button[] = [];
  const automatable = isAutomatable(step);
  if (step.needsApproval && !step.approvedBy) {
    // Approve comes before Done: a risky action is approved first, then done.
    out.push(
      button('Approve', ACTION.approve, value, {
        ...style(ACTION.approve),
        confirm: {
          title: `Approve ${step.risk ?? ''} risk action?`,
          text: `Approving lets anyone run *${escapeMrkdwn(step.title)}*. Only approvers named by the runbook may approve.`,
          confirm: 'Approve',
          danger: step.risk === 'high',
        },
      }),
    );
  } else if (automatable || (step.kind === 'action' && runnable.has(step.id))) {
    out.push(
      button(step.kind === 'action' ? 'Run action' : 'Run', ACTION.run, value, {
        ...style(ACTION.run),
        ...(step.kind === 'action' && step.risk === 'high'
          ? {
              confirm: {
                title: 'Run a high-risk action?',
                text: `This runs *${escapeMrkdwn(step.title)}* now.`,
                confirm: 'Run it',
                danger: true,
              },
            }
          : {}),
      }),
    );
  }
  if (!automatable) out.push(button('Done', ACTION.done, value, style(ACTION.done)));
  out.push(button('Skip', ACTION.skip, value));
  out.push(button('Assign to me', ACTION.assign, value));
  return out;
}

function footer(incident: Incident, next: NextAction): ActionsBlock | undefined {
  if (incident.status === 'closed') return undefined;
  const value = incident.id;
  const primary = next.kind === 'incident' ? next.actionId : undefined;
  const style = (actionId: string) => (actionId === primary ? { style: 'primary' as const } : {});
  const held = verificationHolds(incident);
  const buttons: Button[] = [];
  if (incident.phase !== 'follow-up')
    buttons.push(button(advanceLabel(incident.phase), ACTION.advance, value, style(ACTION.advance)));
  if (incident.status === 'open') buttons.push(button('Mitigated', ACTION.mitigated, value));
  if (incident.status === 'open' || incident.status === 'mitigated')
    buttons.push(
      button('Resolved', ACTION.resolved, value, {
        ...style(ACTION.resolved),
        confirm: held
          ? {
              title: 'Mark the incident resolved?',
              text: 'Verification held. The channel is told, and follow-ups start.',
              confirm: 'Resolve',
            }
          : {
              title: 'Resolve before verification holds?',
              text: '*Verification has not held yet.* Resolve only if you know the symptom is gone.',
              confirm: 'Resolve anyway',
              danger: true,
            },
      }),
    );
  if (incident.status === 'resolved' || incident.status === 'mitigated')
    buttons.push(button('Postmortem notes', ACTION.notes, value));
  buttons.push(button('Roles', ACTION.roles, value));
  if (incident.status === 'resolved')
    buttons.push(
      button('Close incident', ACTION.close, value, {
        ...style(ACTION.close),
        confirm: {
          title: 'Close this incident?',
          text: 'Closing needs the required follow-ups done. The card stops offering actions.',
          confirm: 'Close',
        },
      }),
    );
  return { type: 'actions', block_id: 'incident', elements: buttons };
}

function linksLine(incident: Incident, ctx: CardContext): string | undefined {
  const links: string[] = [];
  if (ctx.runbookUrl) links.push(`<${ctx.runbookUrl}|📖 runbook source>`);
  if (ctx.dashboardUrl) links.push(`<${ctx.dashboardUrl}|📈 dashboard>`);
  for (const link of ctx.runbook?.metadata.links ?? [])
    links.push(`<${link.url}|${escapeMrkdwn(link.title).replace(/[|>]/g, ' ')}>`);
  if (incident.trigger) links.push(`trigger: ${incident.trigger}`);
  return links.length > 0 ? links.join('  ·  ') : undefined;
}

function runbookField(incident: Incident, ctx: CardContext): string {
  const title = ctx.runbook ? escapeMrkdwn(ctx.runbook.metadata.title) : `\`${incident.runbookId}\``;
  return ctx.runbookUrl ? `<${ctx.runbookUrl}|${title.replace(/[|>]/g, ' ')}>` : title;
}

function openedField(incident: Incident, now: Date | undefined): string {
  const elapsed = now ? ` · open ${formatElapsed(now.getTime() - Date.parse(incident.openedAt))}` : '';
  return `${slackDate(incident.openedAt, '{date_short_pretty} {time} ({ago})')}${incident.status === 'open' || incident.status === 'mitigated' ? elapsed : ''}`;
}

function severityBar(incident: Incident, next: NextAction): Attachment {
  const resolved = incident.status === 'resolved' || incident.status === 'closed';
  const text = `${incident.severity.toUpperCase()} · ${incident.status} · ${phaseLabel(incident.phase)}`;
  return {
    color: resolved ? RESOLVED_COLOUR : SEVERITY_COLOUR[incident.severity],
    fallback: `${text}. Next: ${next.sentence.replace(/\*/g, '')}`,
    blocks: [context(text)],
  };
}

/**
 * `runnable` names the containment actions gc-incident can run itself (configured HTTP
 * actions); the others are done by people and marked Done.
 */
export function incidentCard(
  incident: Incident,
  runnable: ReadonlySet<string> = new Set(),
  ctx: CardContext = {},
): SlackMessage {
  const next = nextAction(incident, runnable);
  const blocks: Blocks = [
    header(`${incident.id} · ${incident.title}`),
    fields([
      ['Severity', incident.severity.toUpperCase()],
      ['Status', incident.status],
      ['Commander', who(incident.commander)],
      ['Service', escapeMrkdwn(incident.service)],
      ['Runbook', runbookField(incident, ctx)],
      ['Opened', openedField(incident, ctx.now)],
    ]),
    section(`${next.kind === 'none' ? '🏁' : '👉'} *Next:* ${next.sentence}`, 'next'),
    context(progressLine(incident)),
    context(rolesLine(incident)),
  ];
  const links = linksLine(incident, ctx);
  if (links) blocks.push(context(links));
  const alerts = alertLine(incident);
  if (alerts) blocks.push(alerts);
  const fleet = fleetTable(incident);
  if (fleet) blocks.push(fleet);
  const steps = incident.steps.filter((s) => s.phase === incident.phase);
  const shown = steps.slice(0, MAX_STEPS_SHOWN);
  if (steps.length === 0) blocks.push(section(`_No steps in ${phaseLabel(incident.phase)}._`));
  for (const step of shown) {
    if (step.status === 'skipped' && step.skippedByCondition) {
      blocks.push(skippedByConditionBlock(step));
      continue;
    }
    blocks.push(section(stepLine(step, ctx.runbook), `step:${step.id}`));
    const primary = next.kind === 'step' && next.step.id === step.id ? next.actionId : undefined;
    const buttons = stepButtons(incident.id, step, runnable, primary);
    if (buttons.length > 0 && incident.status !== 'closed')
      blocks.push({
        type: 'actions',
        block_id: `act:${step.id}`.slice(0, LIMITS.blockId),
        elements: buttons,
      });
  }
  if (steps.length > shown.length) {
    blocks.push(
      context(`…and ${steps.length - shown.length} more steps: \`/gc-incident status ${incident.id}\``),
    );
  }
  const end = footer(incident, next);
  if (end && end.elements.length > 0) blocks.push(end);
  const text = `${incident.id} [${incident.severity}] ${incident.title}: ${incident.status}, ${phaseLabel(incident.phase)}. Next: ${next.sentence.replace(/\*/g, '')}`;
  return {
    text: text.slice(0, LIMITS.messageText),
    blocks: blocks.slice(0, LIMITS.messageBlocks),
    attachments: [severityBar(incident, next)],
  };
}
