/**
 * The `gc-incident` command line. `runCli` never exits the process and never
 * prints a stack trace: it returns an exit code, so tests run it in-process.
 */
import { Command, CommanderError } from 'commander';
import { isGcIncidentError } from '../core/errors.js';
import { actionCommand } from './commands/action.js';
import { calibrateCommand } from './commands/calibrate.js';
import { drillCommand } from './commands/drill.js';
import { exportCommand } from './commands/export.js';
import { fitCommand } from './commands/fit.js';
import { incidentsCommand, showCommand } from './commands/incidents.js';
import { checkCommand, queryCommand } from './commands/metrics.js';
import { reproCommand } from './commands/repro.js';
import { rulesCommand } from './commands/rules.js';
import { runbooksCommand } from './commands/runbooks.js';
import { serveCommand } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';
import { testCommand } from './commands/test.js';
import { validateCommand } from './commands/validate.js';
import { walkCommand } from './commands/walk.js';
import { type CliIo, EXIT, processIo } from './io.js';

export const VERSION = '0.1.0';

export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.OK;
  const done = (code: number) => {
    exitCode = code;
  };
  const program = new Command('gc-incident')
    .description(
      'Walk CPython garbage-collector incidents through YAML runbooks: validate runbooks, simulate the collector, run checks.',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  for (const command of [
    validateCommand(io, done),
    runbooksCommand(io, done),
    simulateCommand(io, done),
    fitCommand(io, done),
    reproCommand(io, done),
    calibrateCommand(io, done),
    walkCommand(io, done),
    incidentsCommand(io, done),
    showCommand(io, done),
    queryCommand(io, done),
    checkCommand(io, done),
    rulesCommand(io, done),
    actionCommand(io, done),
    serveCommand(io, done),
    exportCommand(io, done),
    drillCommand(io, done),
    testCommand(io, done),
  ]) {
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    command.showHelpAfterError('(run with --help for usage)');
    program.addCommand(command);
  }
  program.addHelpText(
    'after',
    `
Environment: RUNBOOKS_DIR, DATABASE_URL, DATASOURCES_FILE, PROMETHEUS_URL, CALIBRATION_FILE, HTTP_ACTIONS_FILE (see README.md).
Run 'gc-incident <command> --help' for a command's options.`,
  );

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.OK;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return EXIT.OK;
      }
      return EXIT.USAGE;
    }
    if (isGcIncidentError(error)) {
      io.stderr(`error: ${error.message} [${error.code}]\n`);
      return error.code === 'CONFIG_INVALID' || error.code === 'USAGE' ? EXIT.USAGE : EXIT.PROBLEMS;
    }
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.FATAL;
  }
}
