/** Files shipped with the package (schemas), found relative to this module in src/ and in dist/. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function packagePath(...parts: string[]): string {
  return [packageRoot.replace(/\/$/, ''), ...parts].join('/');
}

export function loadBundledSchemas(): object[] {
  return [
    'runbook.schema.json',
    'workload.schema.json',
    'datasources.schema.json',
    'http-actions.schema.json',
    'postmortem.schema.json',
    'runbook-test.schema.json',
  ].map((name) => JSON.parse(readFileSync(packagePath('schemas', name), 'utf8')) as object);
}
