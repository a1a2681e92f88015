/** `gc-incident rules --compat NAME`: recording rules instead of alerts (src/core/compat). */
import { Option } from 'commander';
import { COMPAT_NAMES, compatRulesFile } from '../../core/compat/opentelemetry.js';
import { GcIncidentError } from '../../core/errors.js';
import { type CliIo, EXIT } from '../io.js';

export function compatRulesOption(): Option {
  return new Option(
    '--compat <name>',
    `print recording rules that give another instrumentation's metrics the runbooks' names (${COMPAT_NAMES.join(', ')})`,
  );
}

export function printCompatRules(io: CliIo, name: string): number {
  if (!(COMPAT_NAMES as readonly string[]).includes(name))
    throw new GcIncidentError('USAGE', `--compat ${name}: use one of ${COMPAT_NAMES.join(', ')}`);
  io.stdout(compatRulesFile());
  return EXIT.OK;
}
