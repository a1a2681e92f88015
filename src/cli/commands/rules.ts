import { Command } from 'commander';
import { validateRunbookPaths } from '../../adapters/fs/runbook-files.js';
import { readConfig } from '../../config.js';
import { alertRulesFile } from '../../core/runbook/alert-rules.js';
import { buildValidationContext } from '../context.js';
import { formatDiagnostics } from '../format-diagnostics.js';
import { type CliIo, EXIT } from '../io.js';
import { compatRulesOption, printCompatRules } from './rules-compat.js';

export function rulesCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('rules')
    .description(
      'Print a Prometheus alerting rule file with one alert per runbook, from its detection checks',
    )
    .argument('[paths...]', 'runbook files or folders (default: RUNBOOKS_DIR)')
    .option(
      '--runbook-url <template>',
      'runbook_url annotation; {id} is the runbook id',
      'runbooks/{id}.yaml',
    )
    .addOption(compatRulesOption())
    .addHelpText(
      'after',
      '\nExample:\n  $ gc-incident rules > gc-rules.yml && promtool check rules gc-rules.yml',
    )
    .action((paths: string[], options: { runbookUrl: string; compat?: string }) => {
      if (options.compat) return done(printCompatRules(io, options.compat));
      const config = readConfig(io.env);
      const { context } = buildValidationContext(config, []);
      const report = validateRunbookPaths(paths.length > 0 ? paths : [config.runbooksDir], context);
      if (report.diagnostics.length > 0) {
        io.stderr(formatDiagnostics(report.diagnostics, 'text', { files: report.files.length }));
        done(EXIT.PROBLEMS);
        return;
      }
      io.stdout(
        alertRulesFile(
          report.runbooks.map((r) => r.runbook),
          { runbookUrl: options.runbookUrl },
        ),
      );
      done(EXIT.OK);
    });
}
