/** One incident as the terminal and the MCP server print it: header, steps with their checks, timeline. */
import { describeEvent } from '../core/incident/describe-event.js';
import type { Incident, TimelineEvent } from '../core/incident/model.js';
import { statusWords } from '../core/incident/progress.js';
import type { Runbook } from '../core/runbook/types.js';
import { checkFigure, findRunbookCheck } from './check-figure.js';
import { standingLines } from './next-line.js';
import { renderTable } from './table.js';

export function formatIncident(
  incident: Incident,
  timeline: readonly TimelineEvent[],
  runbook?: Runbook,
): string {
  const lines = [
    `${incident.id}: ${incident.title}`,
    `severity ${incident.severity}, status ${statusWords(incident)}, phase ${incident.phase}, service ${incident.service}`,
    ...standingLines(incident),
    `commander ${incident.commander}${incident.participants.length ? `, participants ${incident.participants.join(', ')}` : ''}`,
    `runbook ${incident.runbookId} ${incident.runbookVersion}`,
    `inputs ${
      Object.entries(incident.inputs)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '-'
    }`,
    '',
    renderTable(
      // CHECK: a check's value against its threshold once run, its threshold before.
      ['PHASE', 'STEP', 'KIND', 'STATUS', 'CHECK', 'NOTE'],
      incident.steps.map((s) => [
        s.phase,
        s.id,
        s.kind,
        s.status,
        checkFigure(s, findRunbookCheck(runbook, s.id)) ??
          (s.kind === 'check' && s.status !== 'skipped' ? '(not run yet)' : ''),
        s.reason ?? (s.approvedBy ? `approved by ${s.approvedBy}` : ''),
      ]),
    ).trimEnd(),
    '',
    'Timeline (UTC)',
    // To the second: milliseconds say nothing to a reader.
    ...timeline.map(
      (e) => `${e.at.replace('T', ' ').replace(/\.\d+Z$/, '')}  #${e.seq}  ${e.actor}  ${describeEvent(e)}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** The incident list as the terminal and the MCP server print it, one row each, newest first. */
export function formatIncidentList(
  list: readonly Pick<
    Incident,
    'id' | 'severity' | 'status' | 'phase' | 'openedAt' | 'service' | 'runbookId'
  >[],
): string {
  if (list.length === 0) return 'no incidents\n';
  return renderTable(
    ['ID', 'SEVERITY', 'STATUS', 'PHASE', 'OPENED (UTC)', 'SERVICE', 'RUNBOOK'],
    list.map((i) => [
      i.id,
      i.severity,
      i.status,
      i.phase,
      i.openedAt.replace('T', ' ').slice(0, 19),
      i.service,
      i.runbookId,
    ]),
  );
}
