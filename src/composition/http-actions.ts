/** The configured HTTP actions, for the CLI and the Slack app; undefined when HTTP_ACTIONS_FILE is unset. */
import { HttpActionRunner, loadHttpActions } from '../adapters/http-actions/runner.js';
import type { LocalConfig } from '../config.js';
import { bundledSchemaValidator } from './validation-context.js';

/** The runner looks up the secrets its requests name (headersFromEnv) through `config.secret`. */
export function httpActionsFor(
  config: Pick<LocalConfig, 'httpActionsFile' | 'secret'>,
): HttpActionRunner | undefined {
  const file = config.httpActionsFile;
  return file
    ? new HttpActionRunner(loadHttpActions(file, bundledSchemaValidator()), config.secret)
    : undefined;
}
