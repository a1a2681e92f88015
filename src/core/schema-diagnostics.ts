/**
 * Compiled JSON Schemas behind one interface, with their errors turned into positioned
 * diagnostics. The validating functions come from Ajv, compiled at run time
 * (schema-validator.ts) or ahead of time by the build (scripts/precompile-schemas.ts):
 * this module loads no Ajv code, so a command that finds precompiled validators never
 * loads the compiler.
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from './diagnostics.js';
import type { Locator } from './yaml/load-yaml.js';

export interface SchemaValidator {
  validate(schemaId: string, data: unknown, file: string, locate: Locator): Diagnostic[];
}

/** An Ajv validating function, compiled at run time or precompiled (standalone code). */
export interface CompiledSchema {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** A SchemaValidator over compiled functions found by schema `$id`. */
export function schemaValidatorFrom(
  lookup: (schemaId: string) => CompiledSchema | undefined,
): SchemaValidator {
  const compiled = new Map<string, CompiledSchema>();
  const get = (id: string): CompiledSchema => {
    let fn = compiled.get(id);
    if (!fn) {
      fn = lookup(id);
      if (!fn) throw new Error(`schema ${id} is not loaded`);
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
