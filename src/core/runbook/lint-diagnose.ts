/** A diagnose step's HTTP action: configured (when the configuration is known) and read-only. */
import type { LintOptions } from './lint.js';

type Report = (path: (string | number)[], rule: string, message: string) => void;

export function lintDiagnoseAction(
  name: string,
  path: (string | number)[],
  options: LintOptions,
  report: Report,
): void {
  if (!options.httpActions) return;
  if (!options.httpActions.has(name)) {
    report(
      path,
      'runbook/unknown-http-action',
      `HTTP action '${name}' is not defined in HTTP_ACTIONS_FILE (defined: ${[...options.httpActions].sort().join(', ') || 'none'})`,
    );
    return;
  }
  if (options.readOnlyHttpActions && !options.readOnlyHttpActions.has(name)) {
    report(
      path,
      'runbook/http-action-not-read-only',
      `a diagnose step may only call a read-only HTTP action: mark '${name}' 'readOnly: true' (method GET, no body) in HTTP_ACTIONS_FILE, or name one that is`,
    );
  }
}
