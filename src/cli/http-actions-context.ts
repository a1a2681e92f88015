/** The configured HTTP actions for CLI commands; undefined when HTTP_ACTIONS_FILE is unset. */
import { HttpActionRunner, loadHttpActions } from '../adapters/http-actions/runner.js';
import { bundledSchemaValidator } from './context.js';

export function httpActionsFor(
  env: Readonly<Record<string, string | undefined>>,
): HttpActionRunner | undefined {
  const file = env.HTTP_ACTIONS_FILE?.trim();
  return file ? new HttpActionRunner(loadHttpActions(file, bundledSchemaValidator()), env) : undefined;
}
