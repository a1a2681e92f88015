import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundledSchemas } from '../../src/adapters/fs/package-files.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { validateRunbookBytes } from '../../src/core/runbook/validate.js';
import { createSchemaValidator, type SchemaValidator } from '../../src/core/schema-validator.js';

export const REPO = join(import.meta.dirname, '..', '..');
export const RUNBOOKS_DIR = join(REPO, 'runbooks');

let schemas: SchemaValidator | undefined;
export function schemaValidator(): SchemaValidator {
  schemas ??= createSchemaValidator(loadBundledSchemas());
  return schemas;
}

export function shippedRunbookFiles(): string[] {
  return readdirSync(RUNBOOKS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(RUNBOOKS_DIR, f));
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}

/** Validates YAML text as a runbook with the shipped schemas and only the `default` datasource. */
export function validateText(text: string, file = 'test.yaml', datasources = ['default']): Diagnostic[] {
  return validateRunbookBytes(file, new TextEncoder().encode(text), schemaValidator(), {
    datasources: new Set(datasources),
  }).diagnostics;
}

/** The warnings (the runbook loads) of validating `text`. */
export function warningsOf(text: string, file = 'test.yaml', datasources = ['default']): Diagnostic[] {
  return (
    validateRunbookBytes(file, new TextEncoder().encode(text), schemaValidator(), {
      datasources: new Set(datasources),
    }).warnings ?? []
  );
}

/** 1-based line number of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`'${needle}' not found`);
  return index + 1;
}

/** The shipped runbooks (and the workloads they name) copied, so a test can edit one. */
export function shippedCopy(runbookId: string): { runbooks: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), 'gc-incident-runbook-tests-'));
  cpSync(RUNBOOKS_DIR, join(root, 'runbooks'), { recursive: true });
  cpSync(join(REPO, 'workloads'), join(root, 'workloads'), { recursive: true });
  return { runbooks: join(root, 'runbooks'), file: join(root, 'runbooks', `${runbookId}.yaml`) };
}
