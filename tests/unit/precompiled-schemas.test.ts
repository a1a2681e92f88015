/**
 * The build precompiles the schemas (scripts/precompile-schemas.ts) so the installed CLI
 * never runs Ajv's compiler. These tests hold the precompiled validators to the run-time
 * ones: on every shipped document and on thousands of broken copies, both give the same
 * diagnostics, word for word and position for position. And a precompiled module made from
 * other schemas than those in schemas/ is never used.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompiledSchemasSource } from '../../scripts/precompile-schemas.js';
import { BUNDLED_SCHEMA_FILES, bundledSchemasDigest } from '../../src/adapters/fs/package-files.js';
import { DIGEST_EXPORT, loadPrecompiledSchemas } from '../../src/adapters/fs/precompiled-schemas.js';
import { scaffoldFiles } from '../../src/cli/init/files.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { type SchemaValidator, schemaValidatorFrom } from '../../src/core/schema-diagnostics.js';
import { type Locator, loadYaml } from '../../src/core/yaml/load-yaml.js';
import { REPO, schemaValidator } from '../helpers/runbooks.js';

const ID = (name: string) => `https://gc-incident.dev/schemas/${name}.schema.json`;

let dir: string;
let file: string;
let source: string;
let precompiled: SchemaValidator;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gc-incident-precompiled-'));
  // The generated code requires Ajv's runtime helpers and ajv-formats, as in dist/.
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  file = join(dir, 'precompiled-schemas.cjs');
  source = precompiledSchemasSource();
  writeFileSync(file, source);
  const lookup = loadPrecompiledSchemas(file);
  if (!lookup) throw new Error('the freshly generated module was refused');
  precompiled = schemaValidatorFrom(lookup);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Document {
  readonly name: string;
  readonly schemaId: string;
  readonly data: unknown;
  readonly locate: Locator;
}

function yamlDocument(name: string, schemaId: string, text: string): Document {
  const loaded = loadYaml(name, new TextEncoder().encode(text));
  if (!loaded.ok) throw new Error(`${name} does not parse`);
  return { name, schemaId, data: loaded.value.data, locate: loaded.value.locate };
}

function yamlFiles(folder: string, schemaId: string): Document[] {
  return readdirSync(join(REPO, folder))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => yamlDocument(`${folder}/${f}`, schemaId, readFileSync(join(REPO, folder, f), 'utf8')));
}

function shippedDocuments(): Document[] {
  const scaffold = new Map(scaffoldFiles('0.0.0').map((f) => [f.path, f.content]));
  const postmortem = JSON.parse(readFileSync(join(REPO, 'tests/fixtures/postmortem/scripted.json'), 'utf8'));
  return [
    ...yamlFiles('runbooks', ID('runbook')),
    ...yamlFiles('runbooks/tests', ID('runbook-test')),
    ...yamlFiles('workloads', ID('workload')),
    ...yamlFiles('tests/fixtures/workloads', ID('workload')),
    yamlDocument('datasources.yaml', ID('datasources'), scaffold.get('datasources.yaml') ?? ''),
    yamlDocument('http-actions.yaml', ID('http-actions'), scaffold.get('http-actions.yaml') ?? ''),
    yamlDocument(
      'deploy/http-actions.yaml',
      ID('http-actions'),
      readFileSync(join(REPO, 'deploy/http-actions.yaml'), 'utf8'),
    ),
    {
      name: 'scripted.json',
      schemaId: ID('postmortem'),
      data: postmortem,
      locate: { at: () => ({ line: 1, col: 1 }), scalarStart: () => undefined },
    },
  ];
}

type Path = readonly (string | number)[];

/** Every path in the data, the root included. */
function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (value && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    for (const [key, v] of entries) out.push(...paths(v, [...prefix, key]));
  }
  return out;
}

/** A copy of the data with the value at `path` removed (or replaced by `replacement`). */
function mutated(data: unknown, path: Path, replacement?: { value: unknown }): unknown {
  const copy = structuredClone(data);
  if (path.length === 0) return replacement ? replacement.value : undefined;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (replacement) parent[last] = replacement.value;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return copy;
}

function valueAt(data: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, key) => (v as Record<string | number, unknown>)[key], data);
}

/** A value of another JSON type than `value`, so the schema has something to say. */
function wrongTyped(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 0 ? 42 : ['x'];
  if (typeof value === 'number') return `${value}x`;
  if (typeof value === 'boolean') return 'yes';
  if (Array.isArray(value)) return { unexpected: value.length };
  if (value && typeof value === 'object') return [];
  return 'null?';
}

function both(doc: Document, data: unknown): { runtime: Diagnostic[]; precompiled: Diagnostic[] } {
  return {
    runtime: schemaValidator().validate(doc.schemaId, data, doc.name, doc.locate),
    precompiled: precompiled.validate(doc.schemaId, data, doc.name, doc.locate),
  };
}

describe('precompiled schema validators', () => {
  it('give no diagnostics on the shipped documents, as the run-time ones', () => {
    for (const doc of shippedDocuments()) {
      expect(both(doc, doc.data), doc.name).toEqual({ runtime: [], precompiled: [] });
    }
  });

  it('give the same diagnostics as the run-time ones on broken copies (each value removed or of a wrong type)', () => {
    let broken = 0;
    for (const doc of shippedDocuments()) {
      // Removal and wrong type by turns: every value is broken once, in half the time of both.
      paths(doc.data).forEach((path, i) => {
        const data =
          i % 2 === 0
            ? mutated(doc.data, path)
            : mutated(doc.data, path, { value: wrongTyped(valueAt(doc.data, path)) });
        const result = both(doc, data);
        if (result.runtime.length > 0) broken++;
        expect(result.precompiled, `${doc.name} at /${path.join('/')}`).toEqual(result.runtime);
      });
    }
    // The comparison means something only if the copies really are broken.
    expect(broken).toBeGreaterThan(1000);
  });

  it('a module generated from other schemas (schemas/ edited since the build) is not used', () => {
    expect(loadPrecompiledSchemas(file, bundledSchemasDigest())).toBeTypeOf('function');
    expect(loadPrecompiledSchemas(file, 'a digest of other schemas')).toBeUndefined();
    const stale = join(dir, 'stale.cjs');
    writeFileSync(stale, source.replace(/"[0-9a-f]{64}"/, JSON.stringify('0'.repeat(64))));
    expect(source).toContain(`exports[${JSON.stringify(DIGEST_EXPORT)}]`);
    expect(loadPrecompiledSchemas(stale)).toBeUndefined();
  });

  it('no module (running from src/): nothing is loaded, the caller compiles at run time', () => {
    expect(loadPrecompiledSchemas(join(dir, 'absent.cjs'))).toBeUndefined();
  });

  it('the recorded digest changes when any schema file changes', () => {
    const digest = bundledSchemasDigest();
    expect(source).toContain(JSON.stringify(digest));
    const copy = join(dir, 'schemas');
    cpSync(join(REPO, 'schemas'), copy, { recursive: true });
    expect(bundledSchemasDigest(copy)).toBe(digest);
    for (const name of BUNDLED_SCHEMA_FILES) {
      const text = readFileSync(join(copy, name), 'utf8');
      writeFileSync(join(copy, name), text.replace('"description"', '"description" '));
      expect(bundledSchemasDigest(copy), name).not.toBe(digest);
      writeFileSync(join(copy, name), text);
    }
  });
});
