import { Command } from 'commander';
import { writeChart } from '../../adapters/charts/render.js';
import { loadCalibration } from '../../adapters/fs/calibration-file.js';
import { loadWorkload } from '../../adapters/fs/workload-source.js';
import { findInterpreter, runPythonScript } from '../../adapters/python/interpreters.js';
import { compose } from '../../composition/root.js';
import { GcIncidentError } from '../../core/errors.js';
import { fitContext, withFittedCost } from '../../core/fit/fitted-run.js';
import { simulationChartSpec } from '../../core/simulator/chart-spec.js';
import {
  DEFAULT_OBJECTIVE,
  isObjective,
  OBJECTIVES,
  type Objective,
} from '../../core/simulator/objective.js';
import type { DecisionContext } from '../../core/simulator/rank.js';
import { reproScript } from '../../core/simulator/repro.js';
import { type SimulationResult, simulate } from '../../core/simulator/simulate.js';
import { resolvePython } from '../../core/simulator/versions.js';
import { runningServiceVariants, WHAT_IF_HELP, whatIfVariants } from '../../core/simulator/what-if.js';
import { normalizeWorkload } from '../../core/simulator/workload.js';
import { formatAgainst, formatComparison, formatResult, type ReproOutput } from '../../format/simulation.js';
import { comparisonFooter, fittedFooter } from '../fit-footer.js';
import { fittedSource } from '../fit-source.js';
import { formatDiagnostics } from '../format-diagnostics.js';
import { type CliIo, EXIT } from '../io.js';

interface SimulateOptions {
  python?: string;
  json?: boolean;
  whatIf: string[];
  against?: string;
  chart?: string;
  calibration?: string;
  fit?: string;
  window?: string;
  datasource?: string;
  objective?: string;
}

export function simulateCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('simulate')
    .description(
      "Simulate CPython's garbage collector on a workload, compare mitigations, check against a real interpreter",
    )
    .argument('[workload]', 'a workload YAML file, or RUNBOOK_ID:STEP_ID of a runbook simulate step')
    .option('--fit <job>', "instead of a workload: the one 'gc-incident fit' fits to this job's metrics")
    .option('--window <duration>', 'with --fit: how far back to read', '15m')
    .option('-d, --datasource <name>', 'with --fit: datasource name', 'default')
    .option(
      '-p, --python <version>',
      "model this CPython instead of the workload's: 3.8 to 3.15, a patch level picks the collector (3.14.2: incremental, 3.14.5+: generational), t a free-threaded build (3.14t)",
    )
    .option('--json', 'print one JSON object (stats, count, garbage, pauses, heap; variants with --what-if)')
    .option(
      '-w, --what-if <variant>',
      `compare a mitigation; repeatable: ${WHAT_IF_HELP}`,
      collect,
      [] as string[],
    )
    .option(
      '--against <python>',
      'run the repro script with this interpreter (path or version) and compare; exit 1 on any difference',
    )
    .option(
      '--chart <file>',
      'draw FILE.png or FILE.svg: with --what-if, pause percentiles and GC time per variant (the least GC time marked); alone, the live heap over time',
    )
    .option(
      '--objective <objective>',
      `what to rank the what-ifs on: ${OBJECTIVES.join(', ')} (default: the runbook step's, else ${DEFAULT_OBJECTIVE})`,
    )
    .option(
      '--calibration <file>',
      "pause-cost profile written by 'gc-incident calibrate' (default: CALIBRATION_FILE, else the shipped profile)",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ gc-incident simulate workloads/full-collection-latency.yaml
  $ gc-incident simulate w.yaml --what-if freeze --what-if threshold=50000,20,100 --what-if python=3.13
  $ gc-incident simulate gc-full-collection-latency:simulate-heap --chart heap.png
  $ gc-incident simulate w.yaml --against 3.12        # exit 1 if CPython 3.12 disagrees`,
    )
    .action(async (spec: string | undefined, options: SimulateOptions) => {
      if (!spec && !options.fit)
        throw new GcIncidentError('USAGE', 'simulate needs a workload, or --fit JOB');
      done(await runSimulate(io, spec ?? '', options));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runSimulate(io: CliIo, spec: string, options: SimulateOptions): Promise<number> {
  const config = io.settings.config();
  const { context } = compose(config).validation();
  const fitted = options.fit ? await fittedSource(io, { ...options, fit: options.fit }) : undefined;
  const loaded: ReturnType<typeof loadWorkload> = fitted
    ? { ok: true, source: fitted.source }
    : loadWorkload(spec, context, config.runbooksDir);
  if (!loaded.ok) {
    io.stderr(formatDiagnostics(loaded.diagnostics, 'text', { files: 1 }));
    return EXIT.PROBLEMS;
  }
  const calibration = loadCalibration(options.calibration ?? config.calibrationFile);

  if (options.against) {
    const interpreter = findInterpreter(options.against, config, config.pythonRoots);
    const asked = options.python ? resolvePython(options.python, `--python ${options.python}`) : undefined;
    if (asked !== undefined && asked !== interpreter.modelled) {
      throw new GcIncidentError(
        'USAGE',
        `--python ${options.python} is modelled as ${asked}, but ${interpreter.path} is CPython ${interpreter.version} (${interpreter.modelled}): drop --python, or pass a ${options.python} interpreter`,
        { python: options.python },
      );
    }
    const workload = normalizeWorkload(loaded.source.doc, interpreter.modelled);
    const output = await runPythonScript(interpreter, reproScript(workload));
    const real = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as ReproOutput;
    const sim = simulate(workload, { calibration });
    const { text, same } = formatAgainst(real, sim, interpreter.path);
    if (options.json) io.stdout(`${JSON.stringify({ cpython: real, simulator: sim, identical: same })}\n`);
    else io.stdout(text);
    if (sim.fidelity === 'model only')
      io.stderr(`note: ${sim.python} is modelled from the CPython sources only\n`);
    return same ? EXIT.OK : EXIT.PROBLEMS;
  }

  const python = options.python ? resolvePython(options.python, `--python ${options.python}`) : undefined;
  const doc = normalizeWorkload(loaded.source.doc, python);
  // A fit carries the pause cost fitted to the service's own pauses, as a runbook's fitted step does.
  const base = fitted ? withFittedCost(doc, fitted.fit) : doc;
  const whatIfs = options.whatIf.length > 0 ? options.whatIf : (fitted?.defaultWhatIfs ?? []);
  // A fitted workload is a running service: a freeze is applied as it would be there, and the
  // stretch holds the variants' generation-1 collections (what-if.ts, stretchScale).
  const variants =
    fitted !== undefined ? runningServiceVariants(base, whatIfs) : whatIfVariants(base, whatIfs);
  const results: { label: string; result: SimulationResult }[] = variants.map((v) => ({
    label: v.label,
    result: simulate(v.workload, { calibration }),
  }));
  const baseline = (results[0] as { result: SimulationResult }).result;

  const decision: DecisionContext = {
    objective: checkObjective(options.objective) ?? loaded.source.objective,
    // A fit's predictions carry its uncertainty and the service's pause tail (step-workload.ts).
    ...(fitted ? fitContext(fitted.fit, fitted.observations) : {}),
  };
  if (options.chart) {
    await writeChart(
      options.chart,
      simulationChartSpec(results, `${base.name} on CPython ${base.python}`, decision),
    );
  }
  if (options.json) {
    const out = {
      ...baseline,
      variants: results.slice(1).map((r) => ({ whatIf: r.label, ...r.result })),
      ...(fitted ? { fit: { quality: fitted.fit.quality, diagnosis: fitted.fit.diagnosis } } : {}),
    };
    io.stdout(`${JSON.stringify(out)}\n`);
  } else {
    io.stdout(formatResult(baseline));
    if (results.length > 1)
      io.stdout(
        `\nWhat-if comparison\n${formatComparison(results)}${comparisonFooter(results, undefined, decision)}`,
      );
    if (fitted) io.stdout(`${fittedFooter(fitted.fit)}\n`);
    if (loaded.source.whatIf.length > 0 && whatIfs.length === 0) {
      io.stdout(
        `\nThe runbook suggests comparing: ${loaded.source.whatIf.map((w) => `--what-if ${w}`).join(' ')}\n`,
      );
    }
    if (options.chart) io.stdout(`chart written to ${options.chart}\n`);
  }
  return EXIT.OK;
}

function checkObjective(value: string | undefined): Objective | undefined {
  if (value === undefined) return undefined;
  if (!isObjective(value))
    throw new GcIncidentError('USAGE', `--objective ${value}: use one of ${OBJECTIVES.join(', ')}`, {
      value,
    });
  return value;
}
