/**
 * The check results of one batch (a phase's checks, Retry, Run skipped checks, a verification's
 * end) as ONE thread message: a line per check with its figure (value against its limit, in
 * the check's unit), failures in words. The PromQL and every series stay on the step (Show all
 * steps, the postmortem); the thread says what a person needs at 3 a.m.
 */
import type { CheckEvaluation } from '../../core/checks/evaluate.js';
import type { StepState } from '../../core/incident/model.js';
import type { Check } from '../../core/runbook/types.js';
import { checkMeaning, evaluationFigure } from '../../format/check-figure.js';
import { slackDate } from '../../format/relative-time.js';
import { labelSet } from '../../format/series-row.js';
import { chunk, escapeMrkdwn, LIMITS } from '../limits.js';
import { type Blocks, context, type SlackMessage, section } from './common.js';

export type CheckResult =
  | {
      readonly step: StepState;
      readonly evaluation: CheckEvaluation;
      /** The runbook's check: its unit (and what a ratio stands for) shape the figure. */
      readonly check?: Check | undefined;
    }
  | { readonly step: StepState; readonly failed: string };

const PHASE_TITLE: Record<StepState['phase'], string> = {
  detection: 'Detection',
  triage: 'Triage',
  containment: 'Containment',
  verification: 'Verification',
  'follow-up': 'Follow-up',
};

function icon(evaluation: CheckEvaluation, phase: StepState['phase']): string {
  if (evaluation.outcome === 'unknown') return '❔';
  if (phase === 'verification') return evaluation.outcome === 'holds' ? '✅' : '🔥';
  return evaluation.outcome === 'holds' ? '🔥' : '🟢';
}

function line(result: CheckResult): string {
  const title = `*${escapeMrkdwn(result.step.title)}*`;
  if ('failed' in result) return `❌ ${title}: could not run: ${escapeMrkdwn(result.failed)}`;
  const { evaluation, step } = result;
  // A fleet incident's check: one line for its services ("4/15 services above the limit …").
  if (evaluation.fleet)
    return `${icon(evaluation, step.phase)} ${title}: ${escapeMrkdwn(evaluation.fleet.summary)}`;
  if (evaluation.value === null)
    return `${icon(evaluation, step.phase)} ${title}: no data, ${checkMeaning(evaluation.outcome, step.phase)}`;
  const figure = evaluationFigure(evaluation, step.phase, result.check);
  const many = evaluation.series.length > 1;
  const worst = many ? evaluation.series.find((s) => s.value === evaluation.value) : undefined;
  const where = many
    ? ` · ${evaluation.reduce} of ${evaluation.series.length} series${worst ? ` (${escapeMrkdwn(labelSet(worst.labels))})` : ''}`
    : '';
  return `${icon(evaluation, step.phase)} ${title}: ${escapeMrkdwn(figure)}${where}`;
}

/** One message for the batch; `heading` (a verdict) leads when given, else "<Phase> checks". */
export function checkBatchMessages(results: readonly CheckResult[], heading?: string): SlackMessage[] {
  const phase = results[0]?.step.phase ?? 'detection';
  const head =
    heading ?? `*${PHASE_TITLE[phase]} ${results.length === 1 ? 'check' : `checks (${results.length})`}*`;
  const lines = results.map(line);
  const blocks: Blocks = [];
  // Sections hold 3,000 characters: long batches take several, still one message.
  let text = head;
  for (const l of lines) {
    if (text.length + l.length + 1 > LIMITS.sectionText) {
      blocks.push(section(text));
      text = l;
    } else text = `${text}\n${l}`;
  }
  blocks.push(section(text));
  const first = results.find((r): r is Extract<CheckResult, { evaluation: unknown }> => 'evaluation' in r);
  if (first)
    blocks.push(
      context(
        `datasource \`${escapeMrkdwn(first.evaluation.datasource)}\` at ${slackDate(first.evaluation.at, '{time_secs}')} · queries and every series: *Show all steps*`,
      ),
    );
  const summary = results
    .map((r) =>
      'failed' in r
        ? `${r.step.title}: could not run`
        : `${r.step.title}: ${r.evaluation.fleet ? r.evaluation.fleet.summary : r.evaluation.value === null ? 'no data' : evaluationFigure(r.evaluation, r.step.phase, r.check)}`,
    )
    .join('; ');
  const fallback = `${heading ? `${heading.replace(/[*_`]/g, '')}: ` : ''}${summary}`.slice(
    0,
    LIMITS.messageText,
  );
  return chunk(blocks, LIMITS.messageBlocks).map((part) => ({ text: fallback, blocks: part }));
}
