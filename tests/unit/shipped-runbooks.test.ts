import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateRunbookPaths } from '../../src/adapters/fs/runbook-files.js';
import { RUNBOOKS_DIR, readText, schemaValidator, shippedRunbookFiles } from '../helpers/runbooks.js';

const files = shippedRunbookFiles();

describe('shipped runbooks', () => {
  it('there are at least six, one per failure mode of the product', () => {
    const ids = files.map((f) => basename(f, '.yaml'));
    expect(ids).toEqual(
      expect.arrayContaining([
        'gc-full-collection-latency',
        'gc-cyclic-garbage-growth',
        'gc-thrash-allocation-churn',
        'gc-prefork-copy-on-write',
        'gc-disabled-or-starved',
        'gc-python-upgrade-regression',
      ]),
    );
  });

  it('the folder validates with no problems', () => {
    const report = validateRunbookPaths([RUNBOOKS_DIR], {
      schemas: schemaValidator(),
      datasources: new Set(['default']),
    });
    expect(report.diagnostics).toEqual([]);
    expect(report.runbooks).toHaveLength(files.length);
  });

  for (const file of files) {
    describe(basename(file), () => {
      const text = readText(file);
      const report = validateRunbookPaths([file], {
        schemas: schemaValidator(),
        datasources: new Set(['default']),
      });
      const runbook = report.runbooks[0]?.runbook;

      it('validates', () => {
        expect(report.diagnostics).toEqual([]);
        expect(runbook).toBeDefined();
      });

      it('starts with the yaml-language-server schema modeline', () => {
        expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/runbook.schema.json');
      });

      it('its id matches its file name', () => {
        expect(runbook?.metadata.id).toBe(basename(file, '.yaml'));
      });

      it('uses the GC metrics prometheus_client exports', () => {
        expect(text).toMatch(
          /python_gc_(collections|objects_collected|objects_uncollectable)_total|python_info/,
        );
      });

      it('carries triage of several kinds, a rollback for every risky action, tests and docs follow-ups', () => {
        if (!runbook) throw new Error('invalid runbook');
        const kinds = new Set(runbook.triage.steps.map((s) => s.kind));
        expect(kinds.has('query')).toBe(true);
        expect(kinds.has('simulate')).toBe(true);
        expect(kinds.size).toBeGreaterThanOrEqual(3);
        for (const action of runbook.containment.actions) {
          if (action.risk !== 'low') expect(action.rollback, action.id).toBeTruthy();
        }
        const types = runbook.followUp.items.map((i) => i.type);
        expect(types).toContain('test');
        expect(types).toContain('docs');
        expect(runbook.verification.checks.length).toBeGreaterThan(0);
      });
    });
  }
});
