/**
 * Substitutes validated inputs into a PromQL template. Values were checked
 * against their declared patterns when the incident opened; they are escaped
 * here as PromQL string contents as well, so a value can never end a label
 * matcher's string and inject syntax.
 */
import { GcIncidentError } from '../errors.js';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * A value as the contents of a double-quoted PromQL string, per Prometheus's lexer
 * (promql/parser/lex.go `lexString`/`scanEscape`): a raw newline ends the string, a
 * backslash must start one of Go's escapes (`\'` is not one inside double quotes), and a
 * literal U+FFFD reads as an invalid UTF-8 rune; so those, the quote, and every other
 * control character are escaped. A lone UTF-16 surrogate has no UTF-8 form: refused.
 * The one place an input becomes PromQL text (queries, checks, alert rules).
 */
export function escapePromqlString(value: string): string {
  if (value.search(LONE_SURROGATE) !== -1) {
    throw new GcIncidentError(
      'INPUT_INVALID',
      'the value holds a lone UTF-16 surrogate, which has no UTF-8 form and cannot reach PromQL',
      { value: value.replace(LONE_SURROGATE, '\ufffd') },
    );
  }
  return value.replace(/[\\"\p{Cc}\ufffd]/gu, (c) => {
    const simple = SIMPLE_ESCAPES[c];
    if (simple) return simple;
    const code = c.charCodeAt(0);
    // \x is one byte in Go's escapes: only ASCII may use it; C1 controls and U+FFFD take \u.
    return code < 0x80
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
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
