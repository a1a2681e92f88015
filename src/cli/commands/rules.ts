import { Command } from 'commander';
import { validateRunbookPaths } from '../../adapters/fs/runbook-files.js';
import { compose } from '../../composition/root.js';
import { RELATIVE_RUNBOOK_URL, runbookUrlTemplate } from '../../core/alerts/runbook-url.js';
import { parseDuration } from '../../core/duration.js';
import { GcIncidentError } from '../../core/errors.js';
import { alertRulesFile } from '../../core/runbook/alert-rules.js';
import { formatDiagnostics } from '../format-diagnostics.js';
import { type CliIo, EXIT } from '../io.js';
import { compatRulesOption, printCompatRules } from './rules-compat.js';

function collectInput(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new GcIncidentError('USAGE', `--input takes name=value (got '${value}')`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

function collectThreshold(value: string, previous: Record<string, number>): Record<string, number> {
  const at = value.indexOf('=');
  const threshold = Number(value.slice(at + 1));
  if (at <= 0 || value.slice(at + 1).trim() === '' || !Number.isFinite(threshold))
    throw new GcIncidentError('USAGE', `--threshold takes check-id=number (got '${value}')`);
  return { ...previous, [value.slice(0, at)]: threshold };
}

interface RulesOptions {
  runbookUrl?: string;
  compat?: string;
  for?: string;
  input: Record<string, string>;
  threshold: Record<string, number>;
}

export function rulesCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('rules')
    .description(
      'Print a Prometheus alerting rule file with one alert per runbook and service, from its detection checks',
    )
    .argument('[paths...]', 'runbook files or folders (default: RUNBOOKS_DIR)')
    .option(
      '--runbook-url <template>',
      'absolute runbook_url base or template ({id} is the runbook id); default RUNBOOK_BASE_URL',
    )
    .option('--for <duration>', "hold time of every alert instead of the checks' longest for (labs, drills)")
    .option(
      '--input <name=value>',
      'value of an input that is not per service, instead of its default (repeatable)',
      collectInput,
      {},
    )
    .option(
      '--threshold <check=number>',
      "a check's threshold instead of the runbook's, for a lab whose machine is not production (repeatable)",
      collectThreshold,
      {},
    )
    .addOption(compatRulesOption())
    .addHelpText(
      'after',
      '\nExample:\n  $ RUNBOOK_BASE_URL=https://git.example.com/ops/runbooks/blob/main/runbooks \\\n      gc-incident rules > gc-rules.yml && promtool check rules gc-rules.yml',
    )
    .action((paths: string[], options: RulesOptions) => {
      if (options.compat) return done(printCompatRules(io, options.compat));
      const config = io.settings.config();
      const runbookUrl = options.runbookUrl
        ? runbookUrlTemplate(options.runbookUrl, '--runbook-url')
        : config.runbookUrl;
      if (!runbookUrl) {
        io.stderr(
          `warning: runbook_url is the relative '${RELATIVE_RUNBOOK_URL}', which no link from Alertmanager or Slack can open; set RUNBOOK_BASE_URL or --runbook-url\n`,
        );
      }
      if (options.for !== undefined && !parseDuration(options.for).ok) {
        throw new GcIncidentError('USAGE', `--for takes a duration such as 30s or 5m (got '${options.for}')`);
      }
      const { context } = compose(config).validation();
      const report = validateRunbookPaths(paths.length > 0 ? paths : [config.runbooksDir], context);
      if (report.diagnostics.length > 0) {
        io.stderr(formatDiagnostics(report.diagnostics, 'text', { files: report.files.length }));
        done(EXIT.PROBLEMS);
        return;
      }
      io.stdout(
        alertRulesFile(
          report.runbooks.map((r) => r.runbook),
          {
            runbookUrl: runbookUrl ?? RELATIVE_RUNBOOK_URL,
            holdFor: options.for,
            inputs: options.input,
            thresholds: options.threshold,
          },
        ),
      );
      done(EXIT.OK);
    });
}
