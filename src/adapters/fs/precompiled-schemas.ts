/**
 * The bundled schemas' validators as the build precompiled them (Ajv standalone code,
 * scripts/precompile-schemas.ts), so the CLI starts without loading or running Ajv's
 * compiler. The file records the digest of the schema files it was generated from; if
 * schemas/ changed since (or the file is absent: running from src/), nothing is returned and
 * the caller compiles at run time, so a stale validator is never used.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { CompiledSchema } from '../../core/schema-diagnostics.js';
import { bundledSchemasDigest } from './package-files.js';

/** Where the build writes the generated module: beside this one, in dist/. */
export const PRECOMPILED_SCHEMAS_FILE = fileURLToPath(new URL('./precompiled-schemas.cjs', import.meta.url));

/** The export holding the digest; every other export is a validating function named by schema `$id`. */
export const DIGEST_EXPORT = 'schemasDigest';

const require = createRequire(import.meta.url);

export function loadPrecompiledSchemas(
  file: string = PRECOMPILED_SCHEMAS_FILE,
  digest?: string,
): ((schemaId: string) => CompiledSchema | undefined) | undefined {
  if (!existsSync(file)) return undefined;
  const exported = require(file) as Record<string, unknown>;
  if (exported[DIGEST_EXPORT] !== (digest ?? bundledSchemasDigest())) return undefined;
  return (schemaId) => {
    const fn = exported[schemaId];
    return typeof fn === 'function' ? (fn as CompiledSchema) : undefined;
  };
}
