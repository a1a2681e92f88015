/** `gc-incident fit --job JOB`: a workload fitted to a live service's GC metrics. */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { systemClock } from '../../adapters/clock.js';
import { fitJob } from '../../adapters/fit/fit-job.js';
import { compose } from '../../composition/root.js';
import { GcIncidentError } from '../../core/errors.js';
import { fitJson, fitText, renderFittedWorkload } from '../../core/fit/render.js';
import { DEFAULT_DATASOURCE } from '../../core/runbook/types.js';
import { type CliIo, EXIT } from '../io.js';

export function fitCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('fit')
    .description("Fit a simulator workload to a job's GC metrics, and name the failure mode it shows")
    .requiredOption('--job <job>', 'the Prometheus job label of the service')
    .option('--window <duration>', 'how far back to read', '15m')
    .option('-d, --datasource <name>', 'datasource name', DEFAULT_DATASOURCE)
    .option('--python <X.Y>', "the service's CPython, when it exports no python_info")
    .option('-o, --output <file>', 'write the fitted workload (YAML) there')
    .option('--json', 'print the fit as JSON')
    .action(
      async (options: {
        job: string;
        window: string;
        datasource: string;
        python?: string;
        output?: string;
        json?: boolean;
      }) => {
        const client = compose(io.settings.config()).metrics();
        if (!client) {
          throw new GcIncidentError(
            'METRICS_UNAVAILABLE',
            'no datasource configured: set PROMETHEUS_URL or DATASOURCES_FILE',
            { variable: 'PROMETHEUS_URL' },
          );
        }
        try {
          const { fit, observations } = await fitJob(client, {
            job: options.job,
            window: options.window,
            datasource: options.datasource,
            python: options.python,
            now: (io.clock ?? systemClock).now(),
          });
          const yaml = renderFittedWorkload(fit, observations);
          if (options.output) writeFileSync(options.output, yaml);
          if (options.json) io.stdout(`${JSON.stringify(fitJson(fit, observations), null, 2)}\n`);
          else {
            io.stdout(fitText(fit, observations));
            io.stdout(options.output ? `\nWrote ${options.output}\n` : `\n${yaml}`);
          }
        } finally {
          await client.close();
        }
        done(EXIT.OK);
      },
    );
}
