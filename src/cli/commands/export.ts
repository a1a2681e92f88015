import { Command } from 'commander';
import { systemClock } from '../../adapters/clock.js';
import { findRunbook } from '../../adapters/fs/runbook-catalog.js';
import { type ExportFormat, exportPostmortem } from '../../adapters/postmortem/export.js';
import { writeExport } from '../../adapters/postmortem/write-files.js';
import { compose } from '../../composition/root.js';
import type { Config } from '../../config.js';
import { GcIncidentError } from '../../core/errors.js';
import type { Runbook } from '../../core/runbook/types.js';
import { type CliIo, EXIT } from '../io.js';
import { withStore } from '../store-context.js';

export function exportCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('export')
    .description(
      "Write an incident's postmortem: JSON (schemas/postmortem.schema.json), Markdown or standalone HTML",
    )
    .argument('<incident-id>', 'such as GC-2026-0001')
    .option('-f, --format <format>', 'md, json or html', 'md')
    .option('-o, --output <file>', 'write to FILE instead of standard output')
    .option('--no-charts', 'HTML without the simulation charts (they are re-simulated, which takes a moment)')
    .addHelpText(
      'after',
      `
Example:
  $ gc-incident export GC-2026-0001 --format html -o GC-2026-0001.html`,
    )
    .action(async (id: string, options: { format: string; output?: string; charts: boolean }) => {
      if (!['md', 'json', 'html'].includes(options.format)) {
        throw new GcIncidentError('USAGE', `--format ${options.format}: use md, json or html`);
      }
      const config = io.settings.config();
      const code = await withStore(io, async (store) => {
        const incident = await store.load(id.toUpperCase());
        let runbook: { runbook: Runbook; file: string } | undefined;
        if (incident) {
          try {
            runbook = findRunbook(
              incident.runbookId,
              config.runbooksDir,
              compose(config).validation().context,
            );
          } catch {
            io.stderr(
              `note: runbook ${incident.runbookId} is not in ${config.runbooksDir}; exporting without its links and repro scripts\n`,
            );
          }
        }
        const file = await exportPostmortem({
          store,
          clock: io.clock ?? systemClock,
          incidentId: id.toUpperCase(),
          format: options.format as ExportFormat,
          runbook,
          charts: options.charts,
          // With a datasource, the detection checks over the incident window are charted too.
          metrics: metricsFor(io, config),
          // Times (and chart axes) in the team's zone, as the Slack export gives them.
          readers: { timeZone: config.digestTimeZone },
        });
        if (options.output) {
          const [, ...charts] = writeExport(file, options.output);
          io.stderr(
            `wrote ${options.output} (${file.content.length} bytes)${charts.length > 0 ? ` and ${charts.length} chart(s) beside it` : ''}\n`,
          );
        } else {
          io.stdout(file.content);
          if (file.attachments?.length)
            io.stderr(
              `note: the Markdown links ${file.attachments.length} chart file(s); use -o FILE to write them beside it\n`,
            );
        }
        return EXIT.OK;
      });
      done(code);
    });
}

/** The metrics client when a datasource is configured; a broken configuration is said, not fatal. */
function metricsFor(io: CliIo, config: Config) {
  try {
    return compose(config).metrics();
  } catch (error) {
    io.stderr(`note: no metric charts (${error instanceof Error ? error.message : String(error)})\n`);
    return undefined;
  }
}
