/**
 * A containment action must show what it sends: the thresholds its title and effect name are
 * its `whatIf`'s (what the simulator tries), and the HTTP action it calls sends them through
 * `{{threshold0}}`… placeholders rather than values of its own (action-parameters.ts).
 * Both are warnings: the runbook still loads, and `validate` says which text to change.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { Locator } from '../yaml/load-yaml.js';
import { ACTION_PARAMETERS, actionParameters, effectMismatch } from './action-parameters.js';
import type { Runbook } from './types.js';

type Path = (string | number)[];

export function lintActionEffects(
  runbook: Runbook,
  file: string,
  locate: Locator,
  /** HTTP action name → its URL and body templates; absent when HTTP_ACTIONS_FILE is unset. */
  templates: ReadonlyMap<string, string> | undefined,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const warn = (path: Path, rule: string, message: string) => {
    const pos = locate.at(path);
    out.push({
      file,
      line: pos.line,
      col: pos.col,
      severity: 'warning',
      rule,
      message,
      pointer: pointer(path),
    });
  };
  runbook.containment.actions.forEach((action, i) => {
    const path: Path = ['containment', 'actions', i];
    for (const found of effectMismatch(action)) {
      const named = found.named.join(', ');
      warn(
        [...path, found.field],
        'runbook/effect-mismatch',
        found.sent
          ? `${found.field} names thresholds ${named}, but whatIf is threshold=${found.sent.join(',')} (what is simulated and sent); make them the same`
          : `${found.field} names thresholds ${named}, but the action has no whatIf 'threshold=…' to simulate and send them; add one`,
      );
    }
    const template = action.httpAction === undefined ? undefined : templates?.get(action.httpAction);
    const thresholds = action.whatIf?.trim().startsWith('threshold=');
    if (template !== undefined && thresholds && !template.includes(ACTION_PARAMETERS[0])) {
      warn(
        [...path, 'httpAction'],
        'runbook/action-sends-fixed',
        `HTTP action '${action.httpAction}' sends values of its own, not this action's ${action.whatIf?.trim()}: write {{threshold0}}, {{threshold1}}, {{threshold2}} in its URL or body (HTTP_ACTIONS_FILE)`,
      );
    }
    // Placeholders the action cannot fill would fail the call after someone approved it.
    if (template !== undefined) {
      const given = new Set(Object.keys(actionParameters(action)));
      const missing = ACTION_PARAMETERS.filter((p) => template.includes(`{{${p}}}`) && !given.has(p));
      if (missing.length > 0)
        warn(
          [...path, action.whatIf === undefined ? 'httpAction' : 'whatIf'],
          'runbook/action-parameters',
          `HTTP action '${action.httpAction}' needs ${missing.map((p) => `{{${p}}}`).join(', ')}, which this action does not give: write all three thresholds in its whatIf (threshold=T0,T1,T2)`,
        );
    }
  });
  return out;
}

function pointer(path: Path): string {
  return `/${path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}
