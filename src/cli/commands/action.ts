import { Command } from 'commander';
import { httpActionsFor } from '../../composition/http-actions.js';
import { GcIncidentError } from '../../core/errors.js';
import { type CliIo, EXIT } from '../io.js';

export function actionCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('action')
    .description('Call one configured HTTP action (HTTP_ACTIONS_FILE), as a containment step would')
    .argument('<name>', 'the action name')
    .option(
      '-i, --input <key=value>',
      'a value for a {{placeholder}}; repeatable',
      (v: string, p: string[]) => [...p, v],
      [] as string[],
    )
    .action(async (name: string, options: { input: string[] }) => {
      const runner = httpActionsFor(io.settings.local());
      if (!runner)
        throw new GcIncidentError(
          'ACTION_NOT_CONFIGURED',
          'HTTP_ACTIONS_FILE is not set: no HTTP action is configured',
        );
      const inputs: Record<string, string> = {};
      for (const pair of options.input) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new GcIncidentError('USAGE', `--input ${pair}: write it as key=value`);
        inputs[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      const call = await runner.run(name, inputs);
      io.stdout(
        `${call.method} ${call.url} → ${call.status ?? 'no answer'} in ${call.durationMs} ms${call.ok ? '' : ` (${call.error})`}\n`,
      );
      done(call.ok ? EXIT.OK : EXIT.PROBLEMS);
    });
}
