/**
 * The checks of an incident in `/gc-incident status`, whatever the phase: each with its value
 * once run, and its operator and threshold before (`> 50/s (not run yet)`), so that the reader
 * knows what detection found and what verification will require.
 */
import type { Incident } from '../../core/incident/model.js';
import type { Runbook } from '../../core/runbook/types.js';
import { checkLines } from '../../format/check-figure.js';
import { escapeMrkdwn, LIMITS, truncate } from '../limits.js';
import { phaseLabel } from './card.js';
import { section } from './common.js';

/** One section listing the checks outside the current phase (its steps are listed in full), or none. */
export function statusChecksBlock(
  incident: Incident,
  runbook: Runbook | undefined,
): ReturnType<typeof section> | undefined {
  const lines = checkLines(
    incident.steps.filter((s) => s.phase !== incident.phase),
    runbook,
  ).map(
    ({ step, figure }) =>
      `• ${phaseLabel(step.phase)}: *${escapeMrkdwn(truncate(step.title, 120))}*  ${escapeMrkdwn(figure)}`,
  );
  if (lines.length === 0) return undefined;
  return section(truncate(`*Checks*\n${lines.join('\n')}`, LIMITS.sectionText));
}
