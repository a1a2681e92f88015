import { Command } from 'commander';
import { systemClock } from '../../adapters/clock.js';
import { findRunbook } from '../../adapters/fs/runbook-catalog.js';
import { compose } from '../../composition/root.js';
import { GcIncidentError } from '../../core/errors.js';
import type { Incident } from '../../core/incident/model.js';
import { STATUSES } from '../../core/incident/model.js';
import { IncidentService } from '../../core/incident/service.js';
import type { Runbook } from '../../core/runbook/types.js';
import { formatIncident, formatIncidentList } from '../../format/incident.js';
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
      else io.stdout(formatIncidentList(list));
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
        else io.stdout(formatIncident(incident, timeline, runbookOf(io, incident.runbookId)));
      });
      done(EXIT.OK);
    });
}

/** The incident's runbook, for its checks' thresholds; an incident whose runbook is gone still shows. */
function runbookOf(io: CliIo, id: string): Runbook | undefined {
  try {
    const config = io.settings.config();
    return findRunbook(id, config.runbooksDir, compose(config).validation().context).runbook;
  } catch {
    return undefined;
  }
}
