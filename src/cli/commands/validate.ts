import { Command, Option } from 'commander';
import { validateRunbookPaths } from '../../adapters/fs/runbook-files.js';
import { untestedWarnings } from '../../adapters/runbook-tests/untested.js';
import { compose } from '../../composition/root.js';
import { sortDiagnostics } from '../../core/diagnostics.js';
import {
  DIAGNOSTIC_FORMATS,
  type DiagnosticFormat,
  formatDiagnostics,
  summaryLine,
} from '../format-diagnostics.js';
import { type CliIo, EXIT } from '../io.js';

export function validateCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('validate')
    .description('Check runbook YAML files against the schema and the runbook rules')
    .argument('[paths...]', 'runbook files or folders (default: RUNBOOKS_DIR, else ./runbooks)')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(DIAGNOSTIC_FORMATS).default('text'),
    )
    .option(
      '-d, --datasource <name...>',
      "datasource names to accept besides 'default' and those in DATASOURCES_FILE",
      [] as string[],
    )
    .option('-q, --quiet', 'print nothing when every file is valid')
    .addHelpText(
      'after',
      `
Each problem is printed as FILE:LINE:COL: error: MESSAGE [rule].
Exit codes: 0 all files valid, 1 problems found, 2 usage error.

Examples:
  $ gc-incident validate
  $ gc-incident validate runbooks/gc-full-collection-latency.yaml
  $ gc-incident validate --format github runbooks   # annotations in GitHub Actions`,
    )
    .action(
      (paths: string[], options: { format: DiagnosticFormat; datasource: string[]; quiet?: boolean }) => {
        const config = io.settings.config();
        const targets = paths.length > 0 ? paths : [config.runbooksDir];
        const { context, problems } = compose(config).validation(options.datasource);
        const report = validateRunbookPaths(targets, context);
        const diagnostics = [
          ...problems,
          ...sortDiagnostics([
            ...report.diagnostics,
            ...report.warnings,
            ...untestedWarnings(report.runbooks),
          ]),
        ];
        if (report.files.length === 0 && problems.length === 0 && report.diagnostics.length === 0) {
          io.stderr(`no YAML files found in ${targets.join(', ')}\n`);
          done(EXIT.PROBLEMS);
          return;
        }
        const output = formatDiagnostics(diagnostics, options.format, { files: report.files.length });
        if (output) io.stdout(output);
        if (options.format === 'text' && !(options.quiet && diagnostics.length === 0)) {
          io.stderr(summaryLine(diagnostics, report.files.length));
        }
        // Warnings (runbook/untested) are shown but leave a valid runbook's exit code at 0.
        done(diagnostics.some((d) => d.severity === 'error') ? EXIT.PROBLEMS : EXIT.OK);
      },
    );
}
