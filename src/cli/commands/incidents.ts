import { Command } from 'commander';
import { systemClock } from '../../adapters/clock.js';
import { GcIncidentError } from '../../core/errors.js';
import { describeEvent } from '../../core/incident/describe-event.js';
import type { Incident, TimelineEvent } from '../../core/incident/model.js';
import { STATUSES } from '../../core/incident/model.js';
import { IncidentService } from '../../core/incident/service.js';
import { renderTable } from '../../format/table.js';
import { type CliIo, EXIT } from '../io.js';
import { withStore } from '../store-context.js';

export function incidentsCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('incidents')
    .description('List incidents, newest first')
    .option('--status <status>', `only incidents in this status (${STATUSES.join(', ')})`)
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (options: { status?: string; limit: string; json?: boolean }) => {
      if (options.status && !STATUSES.includes(options.status as Incident['status'])) {
        throw new GcIncidentError('USAGE', `--status ${options.status}: use one of ${STATUSES.join(', ')}`);
      }
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new GcIncidentError('USAGE', '--limit must be a positive integer');
      const list = await withStore(io, (store) =>
        store.list({ status: options.status as Incident['status'], limit }),
      );
      if (options.json) io.stdout(`${JSON.stringify(list, null, 2)}\n`);
      else if (list.length === 0) io.stdout('no incidents\n');
      else
        io.stdout(
          renderTable(
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
          ),
        );
      done(EXIT.OK);
    });
}

export function showCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('show')
    .description('Print one incident with its steps and full timeline')
    .argument('<incident-id>', 'such as GC-2026-0042')
    .option('--json', 'print the incident and its timeline as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withStore(io, async (store) => {
        const incident = await new IncidentService(store, io.clock ?? systemClock).get(id);
        const timeline = await store.timeline(id);
        if (options.json) io.stdout(`${JSON.stringify({ incident, timeline }, null, 2)}\n`);
        else io.stdout(formatIncident(incident, timeline));
      });
      done(EXIT.OK);
    });
}

export function formatIncident(incident: Incident, timeline: readonly TimelineEvent[]): string {
  const lines = [
    `${incident.id}: ${incident.title}`,
    `severity ${incident.severity}, status ${incident.status}, phase ${incident.phase}, service ${incident.service}`,
    `commander ${incident.commander}${incident.participants.length ? `, participants ${incident.participants.join(', ')}` : ''}`,
    `runbook ${incident.runbookId} ${incident.runbookVersion}`,
    `inputs ${
      Object.entries(incident.inputs)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '-'
    }`,
    '',
    renderTable(
      ['PHASE', 'STEP', 'KIND', 'STATUS', 'NOTE'],
      incident.steps.map((s) => [
        s.phase,
        s.id,
        s.kind,
        s.status,
        s.reason ?? (s.approvedBy ? `approved by ${s.approvedBy}` : ''),
      ]),
    ).trimEnd(),
    '',
    'Timeline (UTC)',
    ...timeline.map((e) => `${e.at}  #${e.seq}  ${e.actor}  ${describeEvent(e)}`),
  ];
  return `${lines.join('\n')}\n`;
}
