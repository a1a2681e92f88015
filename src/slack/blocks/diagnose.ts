/**
 * A diagnose step's GC state in the incident's thread: the summary line, the compact table
 * (generations, top tracked types, tracemalloc) in a code block, and where it came from.
 * Everything the service sent is escaped (codeBlocks and escapeMrkdwn).
 */

import { group, stateTable, summaryLine } from '../../core/diagnose/render.js';
import { type DiagnoseResult, isDiagnoseResult } from '../../core/diagnose/result.js';
import type { StepState } from '../../core/incident/model.js';
import { codeBlocks, escapeMrkdwn } from '../limits.js';
import { type Blocks, context, type SlackMessage, section } from './common.js';
import { asMessages } from './step-output.js';

/** The card's figure for a diagnose step once run: `GC OFF · 700/10/10 · 17,675 frozen`. */
export function diagnoseFigure(step: StepState): string | undefined {
  if (step.kind !== 'diagnose' || !isDiagnoseResult(step.result)) return undefined;
  const s = step.result.state;
  return `${s.enabled ? 'GC on' : 'GC OFF'} · ${s.thresholds.join('/')} · ${group(s.frozen)} frozen`;
}

export function diagnoseMessages(step: StepState, result: DiagnoseResult): SlackMessage[] {
  const state = result.state;
  const icon = state.enabled ? '🩺' : '⚠️';
  const blocks: Blocks = [
    section(`${icon} *${escapeMrkdwn(step.title)}* (\`${step.id}\`)\n${escapeMrkdwn(summaryLine(state))}`),
  ];
  for (const piece of codeBlocks(stateTable(state))) blocks.push(section(piece));
  blocks.push(
    context(
      `${result.method} ${escapeMrkdwn(result.url)} → ${result.status ?? 'no response'} in ${result.durationMs} ms · recorded on the incident; later simulations start from these thresholds${state.frozen > 0 ? ' and the freeze' : ''}`,
    ),
  );
  return asMessages(`${step.title}: ${summaryLine(state)}`, blocks);
}
