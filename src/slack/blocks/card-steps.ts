/**
 * The card's short form: a banner while a datasource is down (or once it is back, with checks
 * still skipped), one folded line per phase for what is finished, and the "Show all steps"
 * modal for everything. Counting and verdicts are the core's (progress.ts); this is wording.
 */
import type { ActionsBlock, ModalView } from '@slack/types';
import { type Incident, type Outage, PHASES, type Phase, type StepState } from '../../core/incident/model.js';
import { type PhaseTally, phaseTally } from '../../core/incident/progress.js';
import type { Runbook } from '../../core/runbook/types.js';
import { slackDate } from '../../format/relative-time.js';
import { ACTION, metricsValue } from '../ids.js';
import { escapeMrkdwn, LIMITS, truncate } from '../limits.js';
import { type Blocks, button, context, section, who } from './common.js';
import { datasourceLabel, type NextAction } from './next-action.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function phaseTitle(phase: Phase): string {
  return phase === 'follow-up' ? 'Follow-up' : phase.charAt(0).toUpperCase() + phase.slice(1);
}

/** One line for a phase's finished steps: "✅ *Detection*: 2 done · ⏭️ 9 metric steps skipped: …". */
export function foldLine(tally: PhaseTally, incident: Incident, onlySettled = false): string | undefined {
  const parts: string[] = [];
  if (tally.done > 0) parts.push(`${tally.done} done`);
  if (tally.skipped > 0) parts.push(`${tally.skipped} skipped`);
  if (tally.notApplicable > 0) parts.push(`${tally.notApplicable} not applicable`);
  if (tally.failed > 0 && !onlySettled) parts.push(`❌ ${tally.failed} failed`);
  for (const [datasource, n] of Object.entries(tally.outage))
    parts.push(
      `${plural(n, 'metric step')} skipped: ${datasourceLabel(datasource)} unreachable, *not checked*`,
    );
  // A finished phase's steps nobody did: containment's alternatives, or steps left open.
  if (!onlySettled && tally.open > 0)
    parts.push(
      tally.phase === 'containment' && tally.done > 0
        ? `${plural(tally.open, 'alternative')} not used`
        : `${tally.open} left open`,
    );
  if (parts.length === 0) return undefined;
  const icon =
    Object.keys(tally.outage).length > 0 && tally.done === 0
      ? '⏭️'
      : tally.failed > 0 && !onlySettled
        ? '❌'
        : '✅';
  let line = `${icon} *${phaseTitle(tally.phase)}*: ${parts.join(' · ')}`;
  const manual = incident.verifiedByHand;
  if (tally.phase === 'verification' && manual)
    line += ` · ✋ verified by hand by ${who(manual.by)}: ${escapeMrkdwn(truncate(manual.note, 200))}`;
  return line;
}

/**
 * The finished phases, one line each, and the current phase's settled steps as one line; the
 * current phase's checks that ran keep their figure (value against threshold) on that line.
 */
export function foldedLines(incident: Incident, figure?: (step: StepState) => string | undefined): string[] {
  const current = PHASES.indexOf(incident.phase);
  const lines: string[] = [];
  for (const phase of PHASES.slice(0, current + 1)) {
    const tally = phaseTally(incident, phase);
    const line = foldLine(tally, incident, phase === incident.phase);
    if (!line) continue;
    if (phase !== incident.phase) {
      lines.push(line);
      continue;
    }
    const figures = incident.steps
      .filter((s) => s.phase === phase && s.kind === 'check' && s.status === 'done')
      .map((s) => {
        const f = figure?.(s);
        return f ? `${escapeMrkdwn(truncate(s.title, 60))}: ${escapeMrkdwn(f)}` : undefined;
      })
      .filter((f): f is string => f !== undefined);
    lines.push(`${line} _(so far)_${figures.length > 0 ? `\n      ${figures.join('  ·  ')}` : ''}`);
  }
  return lines;
}

function outageBanner(outage: Outage, incident: Incident, next: NextAction): Blocks {
  const value = metricsValue(incident.id, outage.datasource);
  const primary = next.kind === 'incident' && next.actionId === ACTION.skipMetrics;
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: 'outage-actions',
    elements: [],
  };
  const waiting = incident.steps.filter(
    (s) => (s.kind === 'check' || s.kind === 'query') && (s.status === 'pending' || s.status === 'failed'),
  ).length;
  // Skip is offered while something waits on the datasource; Retry always.
  if (waiting > 0)
    actions.elements.push(
      button('Skip metric steps', ACTION.skipMetrics, value, primary ? { style: 'primary' } : {}),
    );
  actions.elements.push(button('Retry', ACTION.retryMetrics, value));
  return [
    section(
      `⚠️ *${datasourceLabel(outage.datasource)} unreachable* since ${slackDate(outage.since, '{time}')} · ${waiting > 0 ? `${plural(waiting, 'metric step')} cannot run: *Skip metric steps* (recorded as not checked) or *Retry*` : 'metric steps were skipped; *Retry* when it is back'}`,
      'outage',
    ),
    actions,
  ];
}

function recoveredBanner(
  outage: Outage,
  incident: Incident,
  skipped: readonly StepState[],
  next: NextAction,
): Blocks {
  const primary = next.kind === 'incident' && next.actionId === ACTION.rerunSkipped;
  return [
    section(
      `✅ *${datasourceLabel(outage.datasource)} is back* (unreachable ${slackDate(outage.since, '{time}')}–${slackDate(outage.until ?? outage.since, '{time}')}) · ${plural(skipped.length, 'check')} skipped while it was down`,
      'outage',
    ),
    {
      type: 'actions',
      block_id: 'rerun',
      elements: [
        button(
          'Run skipped checks',
          ACTION.rerunSkipped,
          metricsValue(incident.id, outage.datasource),
          primary ? { style: 'primary' } : {},
        ),
      ],
    },
  ];
}

/** The banner at the top of the card: one per outage, never one per step. */
export function datasourceBanner(incident: Incident, next: NextAction): Blocks {
  const outages = incident.outages ?? [];
  const down = outages.find((o) => o.until === undefined);
  if (down) return outageBanner(down, incident, next);
  if (incident.status === 'closed') return [];
  const reached = PHASES.indexOf(incident.phase);
  for (const outage of [...outages].reverse()) {
    const skipped = incident.steps.filter(
      (s) =>
        s.status === 'skipped' &&
        s.skippedForOutage === outage.datasource &&
        PHASES.indexOf(s.phase) <= reached,
    );
    if (skipped.length > 0) return recoveredBanner(outage, incident, skipped, next);
  }
  return [];
}

/** Every step, phase by phase, without buttons: the card's *Show all steps*. */
export function allStepsModal(
  incident: Incident,
  line: (step: StepState, runbook?: Runbook) => string,
  runbook?: Runbook,
): ModalView {
  const blocks: Blocks = [];
  for (const phase of PHASES) {
    const steps = incident.steps.filter((s) => s.phase === phase);
    if (steps.length === 0) continue;
    blocks.push(section(`*${phaseTitle(phase)}*${phase === incident.phase ? ' (current)' : ''}`));
    for (const step of steps) blocks.push(context(line(step, runbook)));
  }
  // A modal holds 100 blocks.
  const shown = blocks.slice(0, 99);
  if (blocks.length > shown.length) shown.push(context(`…and more: \`/gc-incident status ${incident.id}\``));
  return {
    type: 'modal',
    title: { type: 'plain_text', text: truncate(`${incident.id} steps`, LIMITS.modalTitle) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: shown,
  };
}
