import { Command } from 'commander';
import { loadWorkload } from '../../adapters/fs/workload-source.js';
import { compose } from '../../composition/root.js';
import { reproScript } from '../../core/simulator/repro.js';
import { resolvePython } from '../../core/simulator/versions.js';
import { applyWhatIf } from '../../core/simulator/what-if.js';
import { normalizeWorkload } from '../../core/simulator/workload.js';
import { formatDiagnostics } from '../format-diagnostics.js';
import { type CliIo, EXIT } from '../io.js';

export function reproCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('repro')
    .description(
      'Print a standalone Python script that runs a workload deterministically and prints its GC statistics',
    )
    .argument('<workload>', 'a workload YAML file, or RUNBOOK_ID:STEP_ID of a runbook simulate step')
    .option(
      '-p, --python <version>',
      "the CPython to model, 3.8 to 3.15 (3.14.2, 3.14t; default: the workload's)",
    )
    .option('-w, --what-if <variant>', 'apply one what-if (for example break-cycles or threshold=50000)')
    .addHelpText(
      'after',
      `
Run the script with the interpreter to check: python -I -S repro.py
It prints one JSON line with "stats", "count" and "garbage", as 'gc-incident simulate --json' does.`,
    )
    .action((spec: string, options: { python?: string; whatIf?: string }) => {
      const config = io.settings.config();
      const { context } = compose(config).validation();
      const loaded = loadWorkload(spec, context, config.runbooksDir);
      if (!loaded.ok) {
        io.stderr(formatDiagnostics(loaded.diagnostics, 'text', { files: 1 }));
        done(EXIT.PROBLEMS);
        return;
      }
      const python = options.python ? resolvePython(options.python, `--python ${options.python}`) : undefined;
      let workload = normalizeWorkload(loaded.source.doc, python);
      if (options.whatIf) workload = applyWhatIf(workload, options.whatIf);
      io.stdout(reproScript(workload));
      done(EXIT.OK);
    });
}
