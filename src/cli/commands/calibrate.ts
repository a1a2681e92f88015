import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { systemClock } from '../../adapters/clock.js';
import { findInterpreter, type Interpreter, runPythonScript } from '../../adapters/python/interpreters.js';
import { GcIncidentError } from '../../core/errors.js';
import { CALIBRATION_SCRIPT } from '../../core/simulator/calibration-script.js';
import type { CalibrationProfile, CostCoefficients } from '../../core/simulator/cost-model.js';
import type { ModelledPython } from '../../core/simulator/workload.js';
import { renderTable } from '../../format/table.js';
import { type CliIo, EXIT } from '../io.js';

const DEFAULT_VERSIONS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'];

export function calibrateCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('calibrate')
    .description(
      "Measure this machine's GC pause costs per CPython version and write a profile for 'simulate'",
    )
    .option(
      '-p, --python <version...>',
      'interpreters to measure (versions or paths; default: every 3.8-3.13 found)',
    )
    .option('-o, --output <file>', 'where to write the profile', 'data/calibration.json')
    .addHelpText(
      'after',
      `
Each interpreter times full collections of 100k-1M live objects and of garbage
2-cycles with and without __del__, through gc.callbacks, and fits
pause = fixed + scan x objects + free x freed + finalizer x __del__ calls.
Use the profile with 'gc-incident simulate --calibration FILE' or CALIBRATION_FILE.`,
    )
    .action(async (options: { python?: string[]; output: string }) => {
      const wanted = options.python ?? DEFAULT_VERSIONS;
      const interpreters: Interpreter[] = [];
      for (const spec of wanted) {
        try {
          interpreters.push(findInterpreter(spec, io.settings.local(), io.settings.local().pythonRoots));
        } catch (error) {
          if (options.python) throw error;
          io.stderr(`skipping CPython ${spec}: not installed\n`);
        }
      }
      if (interpreters.length === 0) {
        throw new GcIncidentError(
          'PYTHON_NOT_FOUND',
          'no CPython interpreter found to calibrate; pass --python PATH',
        );
      }
      const versions: Partial<Record<ModelledPython, CostCoefficients>> = {};
      const rows: string[][] = [];
      for (const interpreter of interpreters) {
        io.stderr(`measuring CPython ${interpreter.version} (${interpreter.path})...\n`);
        const out = JSON.parse(await runPythonScript(interpreter, CALIBRATION_SCRIPT)) as CostCoefficients & {
          python: string;
        };
        const { scanNs, freeNs, finalizerNs, fixedNs } = out;
        versions[interpreter.modelled] = { scanNs, freeNs, finalizerNs, fixedNs };
        rows.push([interpreter.version, `${scanNs}`, `${freeNs}`, `${finalizerNs}`, `${fixedNs}`]);
      }
      const measuredAt = (io.clock ?? systemClock).now().toISOString();
      const profile: CalibrationProfile = {
        source: `gc-incident calibrate on ${hostname()} (${measuredAt}): gc.callbacks timings of ${interpreters.map((i) => i.version).join(', ')}`,
        machine: hostname(),
        measuredAt,
        versions,
      };
      mkdirSync(dirname(options.output), { recursive: true });
      writeFileSync(options.output, `${JSON.stringify(profile, null, 2)}\n`);
      io.stdout(renderTable(['python', 'scan ns/obj', 'free ns/obj', '__del__ ns', 'fixed ns'], rows));
      io.stdout(`profile written to ${options.output}\n`);
      done(EXIT.OK);
    });
}
