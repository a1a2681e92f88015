import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import { findRunbook } from '../../adapters/fs/runbook-catalog.js';
import { validateRunbookPaths } from '../../adapters/fs/runbook-files.js';
import { runTestFiles } from '../../adapters/runbook-tests/run-tests.js';
import { loadTestFiles } from '../../adapters/runbook-tests/test-files.js';
import { compose } from '../../composition/root.js';
import { GcIncidentError } from '../../core/errors.js';
import { initialTestFile } from '../../core/runbook-tests/init.js';
import { DIAGNOSTIC_FORMATS, type DiagnosticFormat } from '../format-diagnostics.js';
import { formatTestResults, testSummary } from '../format-test-results.js';
import { type CliIo, EXIT } from '../io.js';

export function testCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('test')
    .description(
      'Run runbook test files: does detection fire, does verification hold, on the series they give',
    )
    .argument(
      '[paths...]',
      'test files or folders holding *.test.yaml (default: RUNBOOKS_DIR, else ./runbooks)',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(DIAGNOSTIC_FORMATS).default('text'),
    )
    .option('--init <runbook>', 'write a starting test file for a runbook (its id or its file)')
    .addHelpText(
      'after',
      `
A failed case is printed as RUNBOOK_FILE:LINE:COL: case "NAME": expected fires, got quiet (WHY) [TEST_FILE:LINE:COL],
pointing at the runbook line of the check that decided. Checks are evaluated as an incident evaluates them,
on series served by Prometheus's own engine: promtool and prometheus must be on PATH (Debian: apt-get install prometheus).
Exit codes: 0 every case passed, 1 a case failed, 2 a test file is invalid (or a usage error).

Examples:
  $ gc-incident test
  $ gc-incident test runbooks/tests/gc-thrash-allocation-churn.test.yaml
  $ gc-incident test --format github runbooks
  $ gc-incident test --init gc-thrash-allocation-churn`,
    )
    .action(async (paths: string[], options: { format: DiagnosticFormat; init?: string }) => {
      const config = io.settings.config();
      const { context, problems } = compose(config).validation();
      if (options.init !== undefined) {
        done(writeInitialTestFile(io, options.init, config.runbooksDir, context));
        return;
      }
      const targets = paths.length > 0 ? paths : [config.runbooksDir];
      const report = loadTestFiles(targets, config.runbooksDir, context);
      const invalid = [...problems, ...report.diagnostics];
      if (report.files.length === 0 && invalid.length === 0) {
        io.stderr(
          `no test files (*.test.yaml) found in ${targets.join(', ')}; start one with 'gc-incident test --init RUNBOOK'\n`,
        );
        done(EXIT.PROBLEMS);
        return;
      }
      const runnable = report.loaded.filter((f) => f.groups.some((g) => g.cases.length > 0));
      const results = runnable.length > 0 ? await runTestFiles(runnable, config.searchPath) : [];
      const output = formatTestResults(results, invalid, options.format, report.files.length);
      if (output) io.stdout(output);
      if (options.format === 'text') io.stderr(testSummary(results, invalid.length, report.files.length));
      done(invalid.length > 0 ? EXIT.USAGE : results.some((r) => !r.pass) ? EXIT.PROBLEMS : EXIT.OK);
    });
}

function writeInitialTestFile(
  io: CliIo,
  given: string,
  runbooksDir: string,
  context: Parameters<typeof findRunbook>[2],
): number {
  let entry: { runbook: ReturnType<typeof findRunbook>['runbook']; file: string };
  if (/\.ya?ml$/i.test(given)) {
    const report = validateRunbookPaths([given], context);
    const found = report.runbooks[0];
    if (!found) {
      throw new GcIncidentError(
        'RUNBOOK_NOT_FOUND',
        `${given} is not a valid runbook (run 'gc-incident validate ${given}')`,
      );
    }
    entry = found;
  } else {
    entry = findRunbook(given, runbooksDir, context);
  }
  const target = join(dirname(entry.file), 'tests', `${entry.runbook.metadata.id}.test.yaml`);
  if (existsSync(target)) {
    throw new GcIncidentError('USAGE', `${target} already exists; edit it, or remove it to start again`);
  }
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, initialTestFile(entry.runbook));
  io.stdout(`wrote ${target}: replace the values marked TODO, then run 'gc-incident test ${target}'\n`);
  return EXIT.OK;
}
