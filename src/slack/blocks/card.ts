/**
 * The incident card: one message per incident, kept current with chat.update.
 * It shows where the incident is and offers the buttons that fit each step of
 * the current phase; step outputs go to the card's thread, not here.
 */
import type { ActionsBlock, Button } from '@slack/types';
import { type Incident, PHASES, type Phase, type StepState } from '../../core/incident/model.js';
import { ACTION, stepValue } from '../ids.js';
import { escapeMrkdwn, LIMITS } from '../limits.js';
import { type Blocks, button, context, fields, header, type SlackMessage, section, who } from './common.js';

const STATUS_ICON: Record<StepState['status'], string> = {
  pending: '⚪',
  running: '⏳',
  done: '✅',
  skipped: '⏭️',
  failed: '❌',
};

/** Room left for step blocks after the header, fields, progress and footer. */
const MAX_STEPS_SHOWN = 20;

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

export function stepLine(step: StepState): string {
  const parts = [`${STATUS_ICON[step.status]} *${escapeMrkdwn(step.title)}*  \`${step.id}\``];
  const facts = [step.kind + (step.risk ? `, ${step.risk} risk` : ''), step.status];
  if (step.optional && step.phase !== 'containment') facts.push('optional');
  if (step.assignee) facts.push(`assigned to ${who(step.assignee)}`);
  if (step.needsApproval)
    facts.push(step.approvedBy ? `approved by ${who(step.approvedBy)}` : 'needs approval');
  parts.push(`_${facts.join(' · ')}_`);
  if (step.reason) parts.push(`> ${escapeMrkdwn(step.reason)}`);
  return parts.join('\n');
}

export function stepButtons(
  incidentId: string,
  step: StepState,
  runnable: ReadonlySet<string> = new Set(),
): Button[] {
  if (step.status === 'done' || step.status === 'skipped' || step.status === 'running') return [];
  const value = stepValue(incidentId, step.id);
  const out: Button[] = [];
  const automatable = step.kind === 'check' || step.kind === 'query' || step.kind === 'simulate';
  if (step.needsApproval && !step.approvedBy) {
    out.push(
      button('Approve', ACTION.approve, value, {
        style: step.risk === 'high' ? 'danger' : 'primary',
        confirm: {
          title: `Approve ${step.risk ?? ''} risk action?`,
          text: `Approving lets anyone run *${escapeMrkdwn(step.title)}*. Only approvers named by the runbook may approve.`,
          confirm: 'Approve',
        },
      }),
    );
  } else if (automatable || (step.kind === 'action' && runnable.has(step.id))) {
    out.push(
      button(step.kind === 'action' ? 'Run action' : 'Run', ACTION.run, value, {
        style: 'primary',
        ...(step.kind === 'action' && step.risk === 'high'
          ? {
              confirm: {
                title: 'Run a high-risk action?',
                text: `This runs *${escapeMrkdwn(step.title)}* now.`,
                confirm: 'Run it',
              },
            }
          : {}),
      }),
    );
  }
  if (!automatable)
    out.push(button('Done', ACTION.done, value, step.kind === 'action' ? {} : { style: 'primary' }));
  out.push(button('Skip', ACTION.skip, value));
  out.push(button('Assign to me', ACTION.assign, value));
  return out;
}

function footer(incident: Incident): ActionsBlock | undefined {
  const value = incident.id;
  const buttons: Button[] = [];
  if (incident.status === 'closed') return undefined;
  if (incident.phase !== 'follow-up') {
    buttons.push(
      button(
        `Next: ${phaseLabel(PHASES[PHASES.indexOf(incident.phase) + 1] as Phase)}`,
        ACTION.advance,
        value,
      ),
    );
  }
  if (incident.status === 'open') buttons.push(button('Mitigated', ACTION.mitigated, value));
  if (incident.status === 'open' || incident.status === 'mitigated')
    buttons.push(button('Resolved', ACTION.resolved, value, { style: 'primary' }));
  if (incident.status === 'resolved' || incident.status === 'mitigated')
    buttons.push(button('Postmortem notes', ACTION.notes, value));
  if (incident.status === 'resolved')
    buttons.push(
      button('Close incident', ACTION.close, value, {
        confirm: {
          title: 'Close this incident?',
          text: 'Closing needs the required follow-ups done.',
          confirm: 'Close',
        },
      }),
    );
  return { type: 'actions', block_id: 'incident', elements: buttons };
}

/**
 * `runnable` names the containment actions gc-incident can run itself (configured HTTP
 * actions); the others are done by people and marked Done.
 */
export function incidentCard(incident: Incident, runnable: ReadonlySet<string> = new Set()): SlackMessage {
  const blocks: Blocks = [
    header(`${incident.id} · ${incident.title}`),
    fields([
      ['Severity', incident.severity.toUpperCase()],
      ['Status', incident.status],
      ['Commander', who(incident.commander)],
      ['Service', escapeMrkdwn(incident.service)],
      ['Runbook', `\`${incident.runbookId}\``],
      [
        'Opened',
        `<!date^${Math.floor(Date.parse(incident.openedAt) / 1000)}^{date_short_pretty} {time}|${incident.openedAt}>`,
      ],
    ]),
    context(progressLine(incident)),
  ];
  if (incident.trigger) blocks.push(context(`Trigger: ${incident.trigger}`));
  const steps = incident.steps.filter((s) => s.phase === incident.phase);
  const shown = steps.slice(0, MAX_STEPS_SHOWN);
  if (steps.length === 0) blocks.push(section(`_No steps in ${phaseLabel(incident.phase)}._`));
  for (const step of shown) {
    blocks.push(section(stepLine(step), `step:${step.id}`));
    const buttons = stepButtons(incident.id, step, runnable);
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
  const end = footer(incident);
  if (end && end.elements.length > 0) blocks.push(end);
  const current = steps.find((s) => s.status !== 'done' && s.status !== 'skipped');
  const text = `${incident.id} [${incident.severity}] ${incident.title}: ${incident.status}, ${phaseLabel(incident.phase)}${current ? `, next step ${current.title}` : ''}`;
  return { text, blocks: blocks.slice(0, LIMITS.messageBlocks) };
}
