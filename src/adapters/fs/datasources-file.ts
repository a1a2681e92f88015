/** Reads the datasources file named by DATASOURCES_FILE, validated like any other YAML input. */
import type { Diagnostic } from '../../core/diagnostics.js';
import type { SchemaValidator } from '../../core/schema-validator.js';
import { loadYaml } from '../../core/yaml/load-yaml.js';
import { readYamlFile } from './yaml-files.js';

export const DATASOURCES_SCHEMA_ID = 'https://gc-incident.dev/schemas/datasources.schema.json';

export interface DatasourceDefinition {
  readonly url: string;
  readonly auth?: { type: 'basic' | 'bearer'; usernameEnv?: string; passwordEnv?: string; tokenEnv?: string };
  readonly headers?: Record<string, string>;
  readonly params?: Record<string, string>;
  readonly timeout?: string;
  readonly maxSeries?: number;
  readonly maxResponseBytes?: number;
}

export type DatasourcesResult =
  | { ok: true; datasources: Record<string, DatasourceDefinition> }
  | { ok: false; diagnostics: Diagnostic[] };

export function readDatasourcesFile(file: string, schemas: SchemaValidator): DatasourcesResult {
  const read = readYamlFile(file, 'DATASOURCES_FILE names a file that cannot be read');
  if (!read.ok) return read;
  const loaded = loadYaml(file, read.bytes);
  if (!loaded.ok) return loaded;
  const problems = schemas.validate(DATASOURCES_SCHEMA_ID, loaded.value.data, file, loaded.value.locate);
  if (problems.length > 0) return { ok: false, diagnostics: problems };
  const data = loaded.value.data as { datasources: Record<string, DatasourceDefinition> };
  return { ok: true, datasources: data.datasources };
}
