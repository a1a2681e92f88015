/**
 * Ajv (draft 2020-12, strict, all errors, formats, custom messages), compiled
 * once per schema set, with its errors turned into positioned diagnostics.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvErrorsModule from 'ajv-errors';
import ajvFormatsModule from 'ajv-formats';
import type { Diagnostic } from './diagnostics.js';
import type { Locator } from './yaml/load-yaml.js';

// Both plugins are CommonJS with a default export; under NodeNext the default
// import is the module object, whose `default` is the plugin function.
type Plugin = (ajv: Ajv2020, options?: unknown) => Ajv2020;
const addFormats = ((ajvFormatsModule as unknown as { default?: Plugin }).default ??
  ajvFormatsModule) as unknown as Plugin;
const addErrors = ((ajvErrorsModule as unknown as { default?: Plugin }).default ??
  ajvErrorsModule) as unknown as Plugin;

export interface SchemaValidator {
  validate(schemaId: string, data: unknown, file: string, locate: Locator): Diagnostic[];
}

export function createAjv(schemas: readonly object[]): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    // `if`/`then` blocks require properties declared beside them, not inside them.
    strictRequired: false,
    allErrors: true,
    discriminator: true,
    allowUnionTypes: true,
    messages: true,
  });
  addFormats(ajv, { mode: 'full', formats: ['date', 'date-time', 'uri', 'regex'] });
  addErrors(ajv);
  for (const schema of schemas) ajv.addSchema(schema);
  return ajv;
}

export function createSchemaValidator(schemas: readonly object[]): SchemaValidator {
  const ajv = createAjv(schemas);
  const compiled = new Map<string, ValidateFunction>();
  const get = (id: string): ValidateFunction => {
    let fn = compiled.get(id);
    if (!fn) {
      const found = ajv.getSchema(id);
      if (!found) throw new Error(`schema ${id} is not loaded`);
      fn = found;
      compiled.set(id, fn);
    }
    return fn;
  };
  return {
    validate(schemaId, data, file, locate) {
      const fn = get(schemaId);
      if (fn(data)) return [];
      return toDiagnostics(fn.errors ?? [], file, locate);
    },
  };
}

export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function toDiagnostics(errors: readonly ErrorObject[], file: string, locate: Locator): Diagnostic[] {
  const out: Diagnostic[] = [];
  // A failed `if` only says "must match then schema"; the real error is reported beside it.
  const useful = errors.filter((e) => e.keyword !== 'if');
  // A discriminator that found its branch reports the branch's errors; drop the generic oneOf noise.
  const hasSpecific = (pointer: string) =>
    useful.some(
      (e) => e.keyword !== 'oneOf' && e.instancePath.startsWith(pointer) && e.instancePath !== pointer,
    );
  for (const error of useful) {
    if (error.keyword === 'oneOf' && hasSpecific(error.instancePath)) continue;
    const original = originalError(error);
    const path = pointerToPath(error.instancePath);
    const pointer = error.instancePath || '/';
    let position = locate.at(path);
    let message: string;
    let rule = `schema/${original.keyword}`;
    switch (original.keyword) {
      case 'required': {
        const missing = String((original.params as { missingProperty?: string }).missingProperty);
        message =
          error.keyword === 'errorMessage'
            ? (error.message ?? `missing required property '${missing}'`)
            : `missing required property '${missing}'`;
        break;
      }
      case 'additionalProperties':
      case 'unevaluatedProperties': {
        const params = original.params as { additionalProperty?: string; unevaluatedProperty?: string };
        const key = params.additionalProperty ?? params.unevaluatedProperty ?? '';
        position = locate.at(path, { key });
        rule = 'schema/additionalProperties';
        message = `unknown property '${key}'`;
        break;
      }
      case 'enum': {
        const allowed = (original.params as { allowedValues?: unknown[] }).allowedValues ?? [];
        message =
          error.keyword === 'errorMessage' && error.message
            ? error.message
            : `must be one of ${allowed.map((v) => String(v)).join(', ')}`;
        break;
      }
      default:
        message = error.message ?? 'is invalid';
    }
    out.push({
      file,
      line: position.line,
      col: position.col,
      severity: 'error',
      rule,
      pointer,
      message: `${pointer}: ${message}`,
    });
  }
  return out;
}

/** `ajv-errors` wraps the errors it replaces; the first wrapped one names the failing keyword. */
function originalError(error: ErrorObject): ErrorObject {
  if (error.keyword === 'errorMessage') {
    const wrapped = (error.params as { errors?: ErrorObject[] }).errors;
    if (wrapped?.[0]) return wrapped[0];
  }
  return error;
}
