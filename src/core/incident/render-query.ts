/**
 * Substitutes validated inputs into a PromQL template. Values were checked
 * against their declared patterns when the incident opened; they are escaped
 * here as PromQL string contents as well, so a value can never end a label
 * matcher's string and inject syntax.
 */
import { GcIncidentError } from '../errors.js';

export function escapePromqlString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/'/g, "\\'").replace(/\n/g, '\\n');
}

export function renderQuery(template: string, inputs: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    const value = inputs[name];
    if (value === undefined) {
      throw new GcIncidentError(
        'INPUT_INVALID',
        `the query needs input '${name}', which the incident does not have`,
        {
          input: name,
        },
      );
    }
    return escapePromqlString(value);
  });
}

/**
 * Fills inputs into text people read or copy (a runbook command), never into anything that is
 * run: gc-incident executes no command. Unknown placeholders stay as written.
 */
export function renderForDisplay(template: string, inputs: Readonly<Record<string, string>>): string {
  return template.replace(
    /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g,
    (whole, name: string) => inputs[name] ?? whole,
  );
}
