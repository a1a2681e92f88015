/**
 * The `gc-incident` command line. `runCli` never exits the process and never
 * prints a stack trace: it returns an exit code, so tests run it in-process.
 *
 * Start-up time matters (CI runs `validate` on every push, people type `--version`): only the
 * command being run is imported. The others are listed by name and summary from COMMANDS, so
 * `--help` loads none of them (tests/cli/command-table.test.ts keeps the summaries true).
 */
import type { Command } from 'commander';
import { shippedContentNotice } from '../content-dirs.js';
import { isGcIncidentError } from '../core/errors.js';
import { VERSION } from '../version.js';
import { type CliIo, EXIT, processIo } from './io.js';

export { VERSION };

type CommandFactory = (io: CliIo, done: (code: number) => void) => Command;

interface CommandEntry {
  readonly name: string;
  /** How `--help` shows it: the name, [options] and the arguments. */
  readonly term: string;
  /** The command's description, word for word. */
  readonly summary: string;
  /** Reads runbooks from the configured folder: say so when that is the shipped one. */
  readonly readsRunbooks?: boolean;
  readonly load: () => Promise<CommandFactory>;
}

/** One line per command; add yours here (the module is imported only when the command runs). */
// biome-ignore format: one line per command keeps parallel additions from conflicting
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'init', term: 'init [options] [dir]', summary: 'Start a runbook repository: an example runbook with its test, datasources and HTTP actions examples, editor schemas and a CI workflow', load: async () => (await import('./commands/init.js')).initCommand },
  { name: 'validate', term: 'validate [options] [paths...]', summary: 'Check runbook YAML files against the schema and the runbook rules', readsRunbooks: true, load: async () => (await import('./commands/validate.js')).validateCommand },
  { name: 'runbooks', term: 'runbooks [options]', summary: 'List the runbooks in RUNBOOKS_DIR (default ./runbooks, else the shipped ones)', readsRunbooks: true, load: async () => (await import('./commands/runbooks.js')).runbooksCommand },
  { name: 'simulate', term: 'simulate [options] [workload]', summary: "Simulate CPython's garbage collector on a workload, compare mitigations, check against a real interpreter", load: async () => (await import('./commands/simulate.js')).simulateCommand },
  { name: 'fit', term: 'fit [options]', summary: "Fit a simulator workload to a job's GC metrics, and name the failure mode it shows", load: async () => (await import('./commands/fit.js')).fitCommand },
  { name: 'repro', term: 'repro [options] <workload>', summary: 'Print a standalone Python script that runs a workload deterministically and prints its GC statistics', load: async () => (await import('./commands/repro.js')).reproCommand },
  { name: 'calibrate', term: 'calibrate [options]', summary: "Measure this machine's GC pause costs per CPython version and write a profile for 'simulate'", load: async () => (await import('./commands/calibrate.js')).calibrateCommand },
  { name: 'walk', term: 'walk [options] <runbook-id>', summary: 'Open an incident from a runbook and walk it phase by phase in the terminal', readsRunbooks: true, load: async () => (await import('./commands/walk.js')).walkCommand },
  { name: 'incidents', term: 'incidents [options]', summary: 'List incidents, newest first', load: async () => (await import('./commands/incidents.js')).incidentsCommand },
  { name: 'show', term: 'show [options] <incident-id>', summary: 'Print one incident with its steps and full timeline', load: async () => (await import('./commands/incidents.js')).showCommand },
  { name: 'query', term: 'query [options] <promql>', summary: 'Run one PromQL query against a configured datasource', load: async () => (await import('./commands/metrics.js')).queryCommand },
  { name: 'check', term: 'check [options] <runbook-id>', summary: "Evaluate a runbook's detection, triage or verification checks now", readsRunbooks: true, load: async () => (await import('./commands/metrics.js')).checkCommand },
  { name: 'rules', term: 'rules [options] [paths...]', summary: 'Print a Prometheus alerting rule file with one alert per runbook and service, from its detection checks', readsRunbooks: true, load: async () => (await import('./commands/rules.js')).rulesCommand },
  { name: 'action', term: 'action [options] <name>', summary: 'Call one configured HTTP action (HTTP_ACTIONS_FILE), as a containment step would', load: async () => (await import('./commands/action.js')).actionCommand },
  { name: 'serve', term: 'serve', summary: 'Run the Slack app: /gc-incident, buttons, modals, /healthz and /metrics', readsRunbooks: true, load: async () => (await import('./commands/serve.js')).serveCommand },
  { name: 'export', term: 'export [options] <incident-id>', summary: "Write an incident's postmortem: JSON (schemas/postmortem.schema.json), Markdown or standalone HTML", load: async () => (await import('./commands/export.js')).exportCommand },
  { name: 'test', term: 'test [options] [paths...]', summary: 'Run runbook test files: does detection fire, does verification hold, on the series they give', readsRunbooks: true, load: async () => (await import('./commands/test.js')).testCommand },
  { name: 'drill', term: 'drill [options]', summary: 'Rehearse a GC incident end to end on this machine (the bundled service, Prometheus if installed)', readsRunbooks: true, load: async () => (await import('./commands/drill.js')).drillCommand },
  { name: 'mcp', term: 'mcp', summary: 'Serve the runbooks, simulator, fit, incidents and checks to an AI assistant over MCP (stdio, read-only)', readsRunbooks: true, load: async () => (await import('./commands/mcp.js')).mcpCommand },
];

export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout(`${VERSION}\n`);
    return EXIT.OK;
  }
  const { Command, CommanderError } = await import('commander');
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
    .configureHelp({
      subcommandTerm: (cmd) => COMMANDS.find((c) => c.name === cmd.name())?.term ?? cmd.name(),
    })
    .exitOverride();
  const wanted = commandNamed(argv);
  try {
    for (const entry of COMMANDS) {
      const command =
        entry === wanted
          ? (await entry.load())(io, done)
          : new Command(entry.name).description(entry.summary);
      command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
      command.showHelpAfterError('(run with --help for usage)');
      program.addCommand(command);
    }
    program.addHelpText(
      'after',
      `
Environment: RUNBOOKS_DIR, DATABASE_URL, DATASOURCES_FILE, PROMETHEUS_URL, CALIBRATION_FILE, HTTP_ACTIONS_FILE (see docs/configuration.md).
With no RUNBOOKS_DIR and no ./runbooks, the runbooks shipped with the package are used.
Run 'gc-incident <command> --help' for a command's options.`,
    );
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.OK;
    }
    if (wanted?.readsRunbooks && !argv.includes('--help') && !argv.includes('-h')) {
      const notice = shippedContentNotice(io.settings.local(), VERSION);
      if (notice) io.stderr(`${notice}\n`);
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

/** The command the arguments run (`help NAME` counts as NAME), found before anything is imported. */
function commandNamed(argv: readonly string[]): CommandEntry | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name);
}
