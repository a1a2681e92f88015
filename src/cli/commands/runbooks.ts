import { Command } from 'commander';
import { loadRunbookCatalogue } from '../../adapters/fs/runbook-catalogue.js';
import { runbookSummaries } from '../../adapters/fs/runbook-summaries.js';
import { compose } from '../../composition/root.js';
import { renderTable } from '../../format/table.js';
import { formatDiagnostics } from '../format-diagnostics.js';
import { type CliIo, EXIT } from '../io.js';

export function runbooksCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('runbooks')
    .description('List the runbooks in RUNBOOKS_DIR (default ./runbooks, else the shipped ones)')
    .option('--json', 'print a JSON array')
    .option('--dir <folder>', 'read runbooks from this folder instead of RUNBOOKS_DIR')
    .action((options: { json?: boolean; dir?: string }) => {
      const config = io.settings.config();
      const dir = options.dir ?? config.runbooksDir;
      const { context } = compose(config).validation();
      const report = loadRunbookCatalogue(dir, context);
      const list = runbookSummaries(report);
      if (options.json) {
        io.stdout(`${JSON.stringify(list, null, 2)}\n`);
      } else if (list.length > 0) {
        io.stdout(
          renderTable(
            ['ID', 'SEVERITY', 'TITLE', 'ALERTS', 'FROM'],
            list.map((r) => [
              r.id,
              r.severity,
              r.title,
              r.alerts.join(', ') || '-',
              r.shipped ? 'shipped' : dir,
            ]),
          ),
        );
      }
      if (report.diagnostics.length > 0) {
        // Invalid runbooks are not offered, and the author is told why.
        io.stderr(formatDiagnostics(report.diagnostics, 'text', { files: report.files.length }));
        io.stderr(
          `${report.files.length - (report.runbooks.length - report.shippedFiles.size)} runbook file(s) skipped as invalid; run 'gc-incident validate ${dir}'\n`,
        );
      }
      if (list.length === 0) {
        io.stderr(`no valid runbooks in ${dir}\n`);
        done(EXIT.PROBLEMS);
        return;
      }
      done(report.diagnostics.length > 0 ? EXIT.PROBLEMS : EXIT.OK);
    });
}
