/**
 * Runbook inputs for a new incident: defaults filled in, every value checked
 * against its declared type, pattern and enum before it can reach a query.
 */
import { parseDuration } from '../duration.js';
import { GcIncidentError } from '../errors.js';
import { MAX_MATCHED_LENGTH, matchesWhole } from '../runbook/regex-policy.js';
import type { Runbook } from '../runbook/types.js';
import { hasBidiControl } from '../text/bidi.js';

export function resolveInputs(
  runbook: Runbook,
  given: Readonly<Record<string, string>>,
): Record<string, string> {
  const declared = new Map((runbook.inputs ?? []).map((i) => [i.name, i]));
  const out: Record<string, string> = {};
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      throw new GcIncidentError(
        'INPUT_INVALID',
        `runbook '${runbook.metadata.id}' has no input '${name}' (inputs: ${[...declared.keys()].join(', ') || 'none'})`,
        { input: name },
      );
    }
  }
  for (const input of declared.values()) {
    const value = given[input.name] ?? (input.default !== undefined ? String(input.default) : undefined);
    if (value === undefined) {
      if (input.required) {
        throw new GcIncidentError(
          'INPUT_INVALID',
          `input '${input.name}' is required: ${input.description}`,
          {
            input: input.name,
          },
        );
      }
      continue;
    }
    const problem = checkValue(value, input);
    if (problem) {
      throw new GcIncidentError('INPUT_INVALID', `input '${input.name}' = '${truncate(value)}' ${problem}`, {
        input: input.name,
      });
    }
    out[input.name] = value;
  }
  return out;
}

function checkValue(
  value: string,
  input: { type: string; pattern?: string | undefined; enum?: string[] | undefined },
): string | undefined {
  if (value.length > MAX_MATCHED_LENGTH) return `is longer than ${MAX_MATCHED_LENGTH} characters`;
  if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    return 'contains control characters';
  if (hasBidiControl(value)) return 'contains Unicode bidi control characters (U+202A–U+202E, U+2066–U+2069)';
  if (input.type === 'integer' && !/^-?[0-9]+$/.test(value)) return 'is not an integer';
  if (input.type === 'number' && !Number.isFinite(Number(value))) return 'is not a number';
  if (input.type === 'duration' && !parseDuration(value).ok) return 'is not a duration such as 5m';
  if (input.enum && !input.enum.includes(value)) return `is not one of ${input.enum.join(', ')}`;
  if (input.pattern !== undefined && !matchesWhole(input.pattern, value)) {
    return `does not match the pattern ${input.pattern}`;
  }
  return undefined;
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

/** Free text that names or titles an incident (service, title): refused when it could reorder what is shown. */
export function checkShownText(field: string, value: string | undefined): void {
  if (value !== undefined && hasBidiControl(value))
    throw new GcIncidentError(
      'INPUT_INVALID',
      `${field} contains Unicode bidi control characters (U+202A–U+202E, U+2066–U+2069); type it without them`,
      { field },
    );
}
