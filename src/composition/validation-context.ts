/** Builds what validation needs from configuration: compiled schemas and the known datasource names. */
import { readDatasourcesFile } from '../adapters/fs/datasources-file.js';
import { loadBundledSchemas } from '../adapters/fs/package-files.js';
import { loadPrecompiledSchemas } from '../adapters/fs/precompiled-schemas.js';
import type { ValidationContext } from '../adapters/fs/runbook-files.js';
import { loadHttpActions } from '../adapters/http-actions/runner.js';
import type { Config } from '../config.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { DEFAULT_DATASOURCE } from '../core/runbook/types.js';
import { type SchemaValidator, schemaValidatorFrom } from '../core/schema-diagnostics.js';

// The build's precompiled validators when they match schemas/ (the installed CLI); otherwise
// (running from src/, or schemas/ edited since the build) Ajv compiles them at run time.
// Loading and running Ajv's compiler is most of `validate`'s start-up, hence the import here.
const precompiled = loadPrecompiledSchemas();
const makeSchemaValidator: () => SchemaValidator = precompiled
  ? () => schemaValidatorFrom(precompiled)
  : await runtimeCompiler();

async function runtimeCompiler(): Promise<() => SchemaValidator> {
  const { createSchemaValidator } = await import('../core/schema-validator.js');
  return () => createSchemaValidator(loadBundledSchemas());
}

let cachedSchemas: SchemaValidator | undefined;

/** Compiling the schemas costs hundreds of milliseconds; one process needs them once. */
export function bundledSchemaValidator(): SchemaValidator {
  cachedSchemas ??= makeSchemaValidator();
  return cachedSchemas;
}

export function buildValidationContext(
  config: Pick<Config, 'datasourcesFile' | 'httpActionsFile'>,
  extraDatasources: readonly string[],
): { context: ValidationContext; problems: Diagnostic[] } {
  const schemas = bundledSchemaValidator();
  const names = new Set<string>([DEFAULT_DATASOURCE, ...extraDatasources]);
  const problems: Diagnostic[] = [];
  if (config.datasourcesFile) {
    const result = readDatasourcesFile(config.datasourcesFile, schemas);
    if (result.ok) for (const name of Object.keys(result.datasources)) names.add(name);
    else problems.push(...result.diagnostics);
  }
  // Unset HTTP_ACTIONS_FILE: action names cannot be checked (runbook repositories' CI usually has no such file).
  let httpActions: Set<string> | undefined;
  let readOnlyHttpActions: Set<string> | undefined;
  let httpActionTemplates: Map<string, string> | undefined;
  const actionsFile = config.httpActionsFile;
  if (actionsFile) {
    try {
      const loaded = loadHttpActions(actionsFile, schemas);
      httpActions = new Set(loaded.keys());
      readOnlyHttpActions = new Set([...loaded].filter(([, a]) => a.readOnly === true).map(([n]) => n));
      httpActionTemplates = new Map([...loaded].map(([n, a]) => [n, `${a.url}\n${a.body ?? ''}`]));
    } catch (error) {
      problems.push({
        file: actionsFile,
        line: 1,
        col: 1,
        severity: 'error',
        rule: 'config/http-actions',
        message: (error as Error).message.split('\n')[0] ?? 'invalid',
      });
    }
  }
  return {
    context: { schemas, datasources: names, httpActions, readOnlyHttpActions, httpActionTemplates },
    problems,
  };
}
