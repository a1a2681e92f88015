/**
 * Ajv (draft 2020-12, strict, all errors, formats, custom messages), compiled
 * once per schema set, with its errors turned into positioned diagnostics
 * (schema-diagnostics.ts). The build precompiles the bundled schemas with these
 * same options (scripts/precompile-schemas.ts), so the installed CLI skips this.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvErrorsModule from 'ajv-errors';
import ajvFormatsModule from 'ajv-formats';
import { type SchemaValidator, schemaValidatorFrom } from './schema-diagnostics.js';

export { pointerToPath, type SchemaValidator } from './schema-diagnostics.js';

// Both plugins are CommonJS with a default export; under NodeNext the default
// import is the module object, whose `default` is the plugin function.
type Plugin = (ajv: Ajv2020, options?: unknown) => Ajv2020;
const addFormats = ((ajvFormatsModule as unknown as { default?: Plugin }).default ??
  ajvFormatsModule) as unknown as Plugin;
const addErrors = ((ajvErrorsModule as unknown as { default?: Plugin }).default ??
  ajvErrorsModule) as unknown as Plugin;

/** `source`: keep the generated code, for standalone output (ajv/dist/standalone). */
export function createAjv(schemas: readonly object[], options: { source?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    // `if`/`then` blocks require properties declared beside them, not inside them.
    strictRequired: false,
    allErrors: true,
    discriminator: true,
    allowUnionTypes: true,
    messages: true,
    code: { source: options.source ?? false },
  });
  addFormats(ajv, { mode: 'full', formats: ['date', 'date-time', 'uri', 'regex'] });
  addErrors(ajv);
  for (const schema of schemas) ajv.addSchema(schema);
  return ajv;
}

export function createSchemaValidator(schemas: readonly object[]): SchemaValidator {
  const ajv = createAjv(schemas);
  return schemaValidatorFrom((id) => ajv.getSchema(id));
}
