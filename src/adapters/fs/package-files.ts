/** Files shipped with the package (schemas), found relative to this module in src/ and in dist/. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function packagePath(...parts: string[]): string {
  return [packageRoot.replace(/\/$/, ''), ...parts].join('/');
}

/** The JSON Schemas under schemas/, in the order they are added to Ajv. */
export const BUNDLED_SCHEMA_FILES = [
  'runbook.schema.json',
  'workload.schema.json',
  'datasources.schema.json',
  'http-actions.schema.json',
  'postmortem.schema.json',
  'runbook-test.schema.json',
] as const;

export function loadBundledSchemas(): object[] {
  return BUNDLED_SCHEMA_FILES.map(
    (name) => JSON.parse(readFileSync(packagePath('schemas', name), 'utf8')) as object,
  );
}

/** SHA-256 over the schema files' names and bytes: what precompiled validators were built from. */
export function bundledSchemasDigest(dir: string = packagePath('schemas')): string {
  const hash = createHash('sha256');
  for (const name of BUNDLED_SCHEMA_FILES) {
    hash.update(`${name}\0`);
    hash.update(readFileSync(`${dir}/${name}`));
    hash.update('\0');
  }
  return hash.digest('hex');
}
