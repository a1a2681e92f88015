import { describe, expect, it } from 'vitest';
import { loadBundledSchemas } from '../../src/adapters/fs/package-files.js';
import { createAjv } from '../../src/core/schema-validator.js';

describe('bundled JSON Schemas', () => {
  it('compile under Ajv strict mode (draft 2020-12)', () => {
    const ajv = createAjv(loadBundledSchemas());
    for (const schema of loadBundledSchemas()) {
      const id = (schema as { $id: string }).$id;
      const validate = ajv.getSchema(id);
      expect(validate, id).toBeTypeOf('function');
      expect((schema as { $schema: string }).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
  });

  it('strict mode is really on: a schema with an unknown keyword is refused', () => {
    const ajv = createAjv([]);
    expect(() => ajv.compile({ type: 'object', propertis: {} })).toThrow(/strict mode/);
  });

  it('strictTypes is on: a keyword without its type is refused', () => {
    const ajv = createAjv([]);
    expect(() => ajv.compile({ properties: { a: { minLength: 1 } } })).toThrow(/strict mode/);
  });
});
