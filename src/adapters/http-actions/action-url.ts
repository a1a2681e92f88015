/**
 * One place that turns an HTTP action's configured URL template and an
 * incident's inputs into the URL called, and into the URL recorded.
 *
 * Calling: inputs are percent-encoded, but `encodeURIComponent` keeps dots and
 * the URL parser resolves `.`/`..` segments (and their `%2e` spellings), so
 * `/admin/{{job}}` with job=`..` would call `/`. A path placeholder whose value
 * is a dot segment is refused, and the final URL must keep the configured
 * origin and the path prefix before the first placeholder.
 *
 * Recording (timeline, Slack, CLI): userinfo and the values of query parameters
 * whose names look like secrets are replaced by `***`; inputs stay visible.
 * Secrets belong in `headersFromEnv`.
 */
import { GcIncidentError } from '../../core/errors.js';

const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;
const SECRET_PARAM = /(token|secret|passw(or)?d|pwd|api[-_]?key|^key$|sig(nature)?|auth|credential|session)/i;
const DOT_SEGMENT = /^(\.|%2e){1,2}$/i;

export function buildActionUrl(template: string, inputs: Readonly<Record<string, string>>): string {
  const queryAt = template.search(/[?#]/);
  const pathEnd = queryAt < 0 ? template.length : queryAt;
  const url = template.replace(PLACEHOLDER, (_whole, key: string, offset: number) => {
    const value = inputs[key];
    if (value === undefined)
      throw new GcIncidentError('INPUT_INVALID', `the HTTP action needs input '${key}'`, { input: key });
    if (offset < pathEnd && DOT_SEGMENT.test(value))
      throw new GcIncidentError(
        'INPUT_INVALID',
        `input '${key}' = '${value}' is a path segment ('.' or '..') and would change the action's path; use a name`,
        { input: key },
      );
    return encodeURIComponent(value);
  });
  const configured = new URL(template.replace(PLACEHOLDER, 'x'));
  const prefixEnd = template.search(PLACEHOLDER);
  const prefix =
    prefixEnd >= 0 && prefixEnd < pathEnd
      ? new URL(template.slice(0, prefixEnd)).pathname
      : configured.pathname;
  const final = new URL(url);
  if (final.origin !== configured.origin || !final.pathname.startsWith(prefix))
    throw new GcIncidentError(
      'INPUT_INVALID',
      `the HTTP action's URL would leave its configured origin or path (${configured.origin}${prefix}); check the inputs`,
    );
  return final.href;
}

/** The URL as it may be recorded and shown: no userinfo, no secret-looking query values. */
export function redactActionUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(unparsable URL)';
  }
  if (parsed.username) parsed.username = '***';
  if (parsed.password) parsed.password = '***';
  for (const name of [...new Set(parsed.searchParams.keys())])
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, '***');
  // URLSearchParams re-encodes `*`; keep the marker readable.
  return parsed.href.replace(/%2A%2A%2A/g, '***');
}
