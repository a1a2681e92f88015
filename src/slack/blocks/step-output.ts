/**
 * What a step produced, as thread messages (check results: check-batch.ts): query results,
 * simulator comparison tables, HTTP action outcomes, commands to copy. Long
 * content is split over several sections and messages, never cut by Slack.
 */

import type { StepState } from '../../core/incident/model.js';
import { renderForDisplay } from '../../core/incident/render-query.js';
import type { Sample } from '../../core/ports.js';
import type { Runbook } from '../../core/runbook/types.js';
import { slackDate } from '../../format/relative-time.js';
import { seriesRow } from '../../format/series-row.js';
import { chunk, codeBlocks, escapeMrkdwn, LIMITS } from '../limits.js';
import { type Blocks, context, type SlackMessage, section } from './common.js';

/** Turns a list of blocks into as many messages as Block Kit's 50-block limit needs. */
export function asMessages(text: string, blocks: Blocks): SlackMessage[] {
  return chunk(blocks, LIMITS.messageBlocks).map((part, i) => ({
    text:
      i === 0 ? text.slice(0, LIMITS.messageText) : `${text.slice(0, LIMITS.messageText - 12)} (continued)`,
    blocks: part,
  }));
}

export function queryMessages(
  step: StepState,
  result: {
    query: string;
    datasource: string;
    at: string;
    series: readonly Sample[];
    seriesTotal?: number | undefined;
  },
): SlackMessage[] {
  const rows = result.series.map(seriesRow);
  const total = result.seriesTotal ?? result.series.length;
  const hidden = total - result.series.length;
  if (hidden > 0) rows.push(`… ${hidden} more series not shown`);
  const count = hidden > 0 ? `${total} series, showing the worst ${result.series.length}` : `${total} series`;
  const blocks: Blocks = [section(`📈 *${escapeMrkdwn(step.title)}* (\`${step.id}\`): ${count}`)];
  for (const piece of codeBlocks(`${result.query}\n\n${rows.join('\n') || '(no series)'}`))
    blocks.push(section(piece));
  blocks.push(context(`datasource \`${result.datasource}\` at ${slackDate(result.at, '{time_secs}')}`));
  return asMessages(`${step.title}: ${count}`, blocks);
}

/**
 * With `summary` (what people read first): the verdict sentence, the compact table and a note
 * that the full table is attached as a file. Without it: the full table, as before.
 */
export function simulationMessages(
  step: StepState,
  table: string,
  modelOnly: boolean,
  /** `note`: what the ranking ruled out and a fitted workload's quality, shown under the table. */
  summary?: {
    readonly verdict: string;
    readonly compact: string;
    readonly note?: string | undefined;
    /** Slack's table block, drawn in place of the compact code block (blocks/comparison-table.ts). */
    readonly table?: Blocks[number] | undefined;
  },
): SlackMessage[] {
  const title = `🧪 *${escapeMrkdwn(step.title)}*`;
  const blocks: Blocks = summary
    ? [
        section(`${title}
${escapeMrkdwn(summary.verdict)}`),
      ]
    : [section(`${title} (\`${step.id}\`): simulator comparison`)];
  if (summary?.table) blocks.push(summary.table);
  else for (const piece of codeBlocks(summary ? summary.compact : table)) blocks.push(section(piece));
  if (summary?.note) blocks.push(context(escapeMrkdwn(summary.note)));
  const fidelity = modelOnly
    ? '⚠️ model only: this CPython version is modelled from its sources, not checked against an interpreter'
    : 'Simulated with the count-based model checked against real CPython interpreters';
  blocks.push(context(summary ? `${fidelity}. Full table: the attached file.` : fidelity));
  return asMessages(summary ? `${step.title}: ${summary.verdict}` : `${step.title}: simulation done`, blocks);
}

export function progressMessage(title: string, fraction: number, detail: string): SlackMessage {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * 20);
  const bar = `${'▓'.repeat(filled)}${'░'.repeat(20 - filled)}`;
  const text = `🧪 ${title}: ${Math.round(fraction * 100)}% ${detail}`;
  return {
    text,
    blocks: [
      section(
        `🧪 *${escapeMrkdwn(title)}*\n\`${bar}\` ${Math.round(fraction * 100)}% ${escapeMrkdwn(detail)}`,
      ),
    ],
  };
}

export function actionCallMessages(
  step: StepState,
  call: {
    method: string;
    url: string;
    status: number | null;
    durationMs: number;
    ok: boolean;
    error?: string | undefined;
  },
): SlackMessage[] {
  const icon = call.ok ? '✅' : '❌';
  const text = `${icon} *${escapeMrkdwn(step.title)}* (\`${step.id}\`): ${call.method} ${escapeMrkdwn(call.url)} → ${call.status ?? 'no response'} in ${call.durationMs} ms${call.error ? `\n${escapeMrkdwn(call.error)}` : ''}`;
  return asMessages(`${step.title}: ${call.ok ? 'done' : 'failed'}`, [section(text)]);
}

export function failureMessage(step: StepState, message: string): SlackMessage {
  return {
    text: `${step.title} failed`,
    blocks: [section(`❌ *${escapeMrkdwn(step.title)}* (\`${step.id}\`) failed: ${escapeMrkdwn(message)}`)],
  };
}

/** The notification text of a mrkdwn line: no emphasis marks, date tokens as their fallback time, links as their label. */
export function plainFallback(text: string): string {
  return text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<(?:https?|mailto):[^|>]*\|([^>]*)>/g, '$1')
    .replace(/[*_`]/g, '')
    .slice(0, LIMITS.messageText);
}

export function noticeMessage(text: string): SlackMessage {
  return { text: plainFallback(text), blocks: [section(text)] };
}

/** What people need when a phase starts: its guidance, commands to copy, links, checklists. */
export function phaseIntroMessages(
  runbook: Runbook,
  phase: StepState['phase'],
  steps: readonly StepState[],
  inputs: Readonly<Record<string, string>> = {},
): SlackMessage[] {
  const guidance = {
    detection: runbook.detection.guidance,
    triage: runbook.triage.guidance,
    containment: runbook.containment.guidance,
    verification: runbook.verification.guidance,
    'follow-up': runbook.followUp.guidance,
  }[phase];
  const blocks: Blocks = [
    section(
      `*${phase.charAt(0).toUpperCase()}${phase.slice(1)}*${guidance ? `\n${escapeMrkdwn(guidance.trim())}` : ''}`,
    ),
  ];
  // Steps a condition skipped are said once, in the decision line that follows, not listed here.
  for (const step of steps.filter((s) => s.status !== 'skipped')) {
    const triage = runbook.triage.steps.find((s) => s.id === step.id);
    const action = runbook.containment.actions.find((a) => a.id === step.id);
    if (triage?.kind === 'command') {
      blocks.push(
        section(`💻 *${escapeMrkdwn(step.title)}*: run it yourself (gc-incident never executes commands)`),
      );
      for (const piece of codeBlocks(renderForDisplay(triage.command.trim(), inputs)))
        blocks.push(section(piece));
    } else if (triage?.kind === 'link') {
      blocks.push(section(`🔗 *${escapeMrkdwn(step.title)}*: <${triage.url}|open>`));
    } else if (triage?.kind === 'manual' && triage.checklist) {
      blocks.push(
        section(
          `📝 *${escapeMrkdwn(step.title)}*\n${triage.checklist.map((c) => `• ${escapeMrkdwn(c)}`).join('\n')}`,
        ),
      );
    } else if (action) {
      const lines = [
        `🛡️ *${escapeMrkdwn(action.title)}* (${action.risk} risk): ${escapeMrkdwn(action.effect.trim())}`,
      ];
      if (action.rollback) lines.push(`_Rollback:_ ${escapeMrkdwn(action.rollback.trim())}`);
      blocks.push(section(lines.join('\n')));
      if (action.command)
        for (const piece of codeBlocks(renderForDisplay(action.command.trim(), inputs)))
          blocks.push(section(piece));
    }
  }
  return asMessages(`${phase} started`, blocks);
}
