/**
 * The incident card: one message per incident, kept current with chat.update.
 * It leads: one sentence and one primary (green) button say what the runbook expects
 * next; checks show their value against the threshold; links go to the runbook, its
 * docs and a dashboard. Step outputs go to the card's thread, not here.
 */
import type { ActionsBlock, Button } from '@slack/types';
import { isAutomatable } from '../../core/incident/driver/policy.js';
import { type Incident, openOutage, PHASES, type Phase, type StepState } from '../../core/incident/model.js';
import { phaseTally, unverifiedPhase, verificationVerdict } from '../../core/incident/progress.js';
import type { Runbook } from '../../core/runbook/types.js';
import { formatElapsed, slackDate } from '../../format/relative-time.js';
import { ACTION, stepValue } from '../ids.js';
import { escapeMrkdwn, LIMITS, truncate } from '../limits.js';
import { alertLine } from './alert-line.js';
import { datasourceBanner, foldedLines } from './card-steps.js';
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

/** Open steps shown with buttons; the rest are behind *Show all steps* (a phone screen holds few). */
const MAX_STEPS_SHOWN = 3;

export function phaseLabel(phase: Phase): string {
  return phase === 'follow-up' ? 'Follow-up' : phase.charAt(0).toUpperCase() + phase.slice(1);
}

export function progressLine(incident: Incident): string {
  const current = PHASES.indexOf(incident.phase);
  return PHASES.map((phase, i) => {
    // A past phase whose metric steps were all skipped checked nothing: not a tick.
    if (i < current)
      return unverifiedPhase(phaseTally(incident, phase))
        ? `⏭️ ${phaseLabel(phase)}`
        : `✅ ${phaseLabel(phase)}`;
    if (i === current) return `🔵 *${phaseLabel(phase)}*`;
    return `⚪ ${phaseLabel(phase)}`;
  }).join('  ➜  ');
}

/**
 * A step as one entry: title and figure, then its facts. `compact` (the card): the facts that
 * matter to someone about to click (no id, status only when not pending), on the title's line.
 */
export function stepLine(step: StepState, runbook?: Runbook, compact = false): string {
  const figure = checkFigure(step, findRunbookCheck(runbook, step.id)) ?? diagnoseFigure(step);
  const parts = [
    `${STATUS_ICON[step.status]} *${escapeMrkdwn(step.title)}*${figure ? `  ${escapeMrkdwn(figure)}` : ''}`,
  ];
  if (compact) {
    const facts = [step.kind + (step.risk ? `, ${step.risk} risk` : '')];
    if (step.status !== 'pending') facts.push(step.status);
    if (step.assignee) facts.push(`assigned to ${who(step.assignee)}`);
    if (step.needsApproval)
      facts.push(step.approvedBy ? `approved by ${who(step.approvedBy)}` : 'needs approval');
    parts[0] += `  _${facts.join(' · ')}_`;
    if (step.reason) parts.push(`> ${escapeMrkdwn(truncate(step.reason, 200))}`);
    return parts.join('\n');
  }
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
  if (incident.status === 'open')
    buttons.push(button('Mitigated', ACTION.mitigated, value, style(ACTION.mitigated)));
  const verdict = verificationVerdict(incident).kind;
  if (
    (incident.phase === 'verification' || incident.phase === 'follow-up') &&
    (verdict === 'skipped' || verdict === 'failed' || verdict === 'not-started')
  )
    buttons.push(button('Verified by hand', ACTION.verifyByHand, value, style(ACTION.verifyByHand)));
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
              title: 'Resolve unverified?',
              text: '*Nothing verified the fix yet.* The postmortem will say *resolved unverified*. Resolve only if you know the symptom is gone.',
              confirm: 'Resolve anyway',
              danger: true,
            },
      }),
    );
  if (incident.status === 'resolved' || incident.status === 'mitigated')
    buttons.push(button('Postmortem notes', ACTION.notes, value));
  buttons.push(button('Roles', ACTION.roles, value));
  buttons.push(button('Show all steps', ACTION.showSteps, value));
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
  links.push(`📖 ${runbookField(incident, ctx)}`);
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

/** When it opened, and how long it has lasted (to now while live; to resolution once resolved). */
function openedField(incident: Incident, now: Date | undefined): string {
  const live = incident.status === 'open' || incident.status === 'mitigated';
  const end = live ? now?.getTime() : Date.parse(incident.resolvedAt ?? incident.updatedAt);
  const lasted =
    end === undefined
      ? ''
      : ` · ${live ? 'open' : 'lasted'} ${formatElapsed(end - Date.parse(incident.openedAt))}`;
  return `${slackDate(incident.openedAt, '{date_short_pretty} {time}')}${lasted}`;
}

/** "SEV2 · open" and, once past verification, whether anything verified the fix. */
function statusField(incident: Incident): string {
  const verdict = verificationVerdict(incident).kind;
  const unverified =
    (incident.status === 'resolved' || incident.status === 'closed') &&
    verdict !== 'held' &&
    verdict !== 'by-hand'
      ? ' · *unverified*'
      : verdict === 'by-hand'
        ? ' · verified by hand'
        : '';
  return `${incident.severity.toUpperCase()} · ${incident.status}${unverified}`;
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
    ...datasourceBanner(incident, next),
    fields([
      ['Status', statusField(incident)],
      ['Commander', who(incident.commander)],
      ['Service', escapeMrkdwn(incident.service)],
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
  // Finished phases and the current phase's settled steps fold to one line each.
  const folded = foldedLines(incident, (s) => checkFigure(s, findRunbookCheck(ctx.runbook, s.id)));
  if (folded.length > 0) blocks.push(context(folded.join('\n')));
  const steps = incident.steps.filter(
    (s) =>
      s.phase === incident.phase &&
      (s.status === 'pending' || s.status === 'running' || s.status === 'failed'),
  );
  // The step the next action names is always among those shown (optional ones may come first).
  const nextStep = next.kind === 'step' ? next.step.id : undefined;
  const down = openOutage(incident) !== undefined;
  const shown = [...steps.filter((s) => s.id === nextStep), ...steps.filter((s) => s.id !== nextStep)].slice(
    0,
    MAX_STEPS_SHOWN,
  );
  if (incident.steps.every((s) => s.phase !== incident.phase))
    blocks.push(section(`_No steps in ${phaseLabel(incident.phase)}._`));
  for (const step of shown) {
    // While the outage is on the banner, a metric step's failure is not repeated under it.
    const quiet =
      down && (step.kind === 'check' || step.kind === 'query') ? { ...step, reason: undefined } : step;
    blocks.push(section(stepLine(quiet, ctx.runbook, true), `step:${step.id}`));
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
    const more = steps.length - shown.length;
    blocks.push(context(`…and ${more} more open step${more === 1 ? '' : 's'}: *Show all steps*`));
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
