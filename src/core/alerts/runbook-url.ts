/**
 * Where an alert's `runbook_url` points: an absolute http(s) URL template in which
 * `{id}` is the runbook id; a base URL without `{id}` gets `/{id}.yaml` appended (the
 * runbook's file name in a repository browser). Relative links do not work from
 * Alertmanager or Slack, so they are refused.
 */
import { GcIncidentError } from '../errors.js';

export const RELATIVE_RUNBOOK_URL = 'runbooks/{id}.yaml';

export function runbookUrlTemplate(value: string, variable: string): string {
  const template = value.includes('{id}') ? value : `${value.replace(/\/+$/, '')}/{id}.yaml`;
  let url: URL | undefined;
  try {
    url = new URL(template.replaceAll('{id}', 'runbook-id'));
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new GcIncidentError(
      'CONFIG_INVALID',
      `${variable} must be an absolute http(s) URL such as https://git.example.com/ops/runbooks/blob/main/runbooks or a template with {id} (got '${value}')`,
      { variable },
    );
  }
  return template;
}
