/**
 * Broken copies of every shipped runbook: each mistake is reported with the
 * rule and the line and column of the offending key or value.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineOf, readText, shippedRunbookFiles, validateText } from '../helpers/runbooks.js';

for (const file of shippedRunbookFiles()) {
  const original = readText(file);
  const name = basename(file);

  describe(`broken copy of ${name}`, () => {
    it('an unknown key is reported at the key', () => {
      const text = original.replace(/^( {2}title: .*)$/m, '$1\n  titel: a typo');
      const diagnostics = validateText(text, name);
      expect(diagnostics).toContainEqual(
        expect.objectContaining({
          rule: 'schema/additionalProperties',
          line: lineOf(text, 'titel: a typo'),
          col: 3,
          message: expect.stringContaining("unknown property 'titel'"),
        }),
      );
    });

    it('a wrong type is reported at the value', () => {
      const text = original.replace(/^(\s+)threshold: .*$/m, '$1threshold: high');
      const line = lineOf(text, 'threshold: high');
      const col = (text.split('\n')[line - 1] ?? '').indexOf('high') + 1;
      const diagnostics = validateText(text, name);
      expect(diagnostics).toContainEqual(
        expect.objectContaining({
          rule: 'schema/type',
          line,
          col,
          message: expect.stringContaining('must be number'),
        }),
      );
    });

    it('a missing required field is reported at its parent, naming the field', () => {
      const text = original.replace(/^ {2}lastReviewed: .*\n/m, '');
      const diagnostics = validateText(text, name);
      expect(diagnostics).toContainEqual(
        expect.objectContaining({
          rule: 'schema/required',
          line: lineOf(text, 'metadata:') + 1,
          col: 3,
          message: "/metadata: missing required property 'lastReviewed'",
        }),
      );
    });

    it('a YAML syntax error is reported where the parser fails and nothing else is checked', () => {
      const text = original.replace(/^kind: Runbook$/m, 'kind: [Runbook');
      const diagnostics = validateText(text, name);
      expect(diagnostics.length).toBeGreaterThan(0);
      expect(diagnostics.every((d) => d.rule.startsWith('yaml/'))).toBe(true);
      const first = diagnostics[0];
      expect(first?.line).toBeGreaterThanOrEqual(lineOf(text, 'kind: [Runbook'));
      expect(first?.line).toBeLessThanOrEqual(lineOf(text, 'kind: [Runbook') + 2);
    });
  });
}
