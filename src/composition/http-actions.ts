/** The configured HTTP actions, for the CLI and the Slack app; undefined when HTTP_ACTIONS_FILE is unset. */
import { HttpActionRunner, loadHttpActions } from '../adapters/http-actions/runner.js';
import type { Config } from '../config.js';
import { bundledSchemaValidator } from './validation-context.js';

/** `env` is handed to the runner for the secrets its requests name (never read here). */
export function httpActionsFor(
  config: Pick<Config, 'httpActionsFile'>,
  env: Readonly<Record<string, string | undefined>>,
): HttpActionRunner | undefined {
  const file = config.httpActionsFile;
  return file ? new HttpActionRunner(loadHttpActions(file, bundledSchemaValidator()), env) : undefined;
}
