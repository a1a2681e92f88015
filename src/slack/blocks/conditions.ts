/**
 * `when:` on Slack: the thread message that says which branch the phase took, with the reason
 * the driver recorded for each skipped step (the card counts them as "not applicable" on the
 * phase's folded line). The reasons are the driver's words, the same as the terminal's.
 */
import type { ConditionDecision } from '../../core/incident/driver/ports.js';
import type { Phase } from '../../core/incident/model.js';
import { escapeMrkdwn, LIMITS } from '../limits.js';
import { type Blocks, context, type SlackMessage, section } from './common.js';

const MARK = { skipped: '⏭️', applies: '▶️', undecided: '❓' } as const;

function label(d: ConditionDecision): keyof typeof MARK {
  return d.met === false ? 'skipped' : d.met === true ? 'applies' : 'undecided';
}

/** One thread message: which conditional steps of the phase apply, which were skipped and why. */
export function conditionsMessage(phase: Phase, decisions: readonly ConditionDecision[]): SlackMessage {
  const skipped = decisions.filter((d) => d.met === false).length;
  const undecided = decisions.filter((d) => d.met === undefined).length;
  const blocks: Blocks = [
    section(
      `🔀 *${phase === 'triage' ? 'Triage' : 'Containment'} branches* (runbook \`when:\`): ${skipped} step(s) skipped${undecided > 0 ? `, ${undecided} left to you (a fact is unknown)` : ''}`,
    ),
  ];
  for (const d of decisions.slice(0, LIMITS.messageBlocks - 2)) {
    const title = escapeMrkdwn(d.step.title);
    const line = `${MARK[label(d)]} ${d.met === false ? `~${title}~` : `*${title}*`}  \`${d.step.id}\` · ${escapeMrkdwn(d.reason)}`;
    blocks.push(d.met === false ? context(line) : section(line));
  }
  const text = decisions.map((d) => `${label(d)} ${d.step.id}: ${d.reason}`).join('\n');
  return { text: text.slice(0, LIMITS.messageText), blocks };
}
