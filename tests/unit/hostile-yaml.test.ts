/** Hostile or broken files get a clear, positioned error and never crash or hang the validator. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadYaml, MAX_FILE_BYTES } from '../../src/core/yaml/load-yaml.js';
import { REPO, validateText } from '../helpers/runbooks.js';

const fixture = (name: string) => readFileSync(join(REPO, 'tests/fixtures/yaml', name));
const load = (name: string) => loadYaml(name, fixture(name));

function problems(result: ReturnType<typeof loadYaml>) {
  if (result.ok) throw new Error('expected the file to be refused');
  return result.diagnostics;
}

describe('hostile and broken YAML', () => {
  it.each([
    ['empty.yaml', 'yaml/empty', 1, 1],
    ['comments-only.yaml', 'yaml/empty', 1, 1],
    ['duplicate-key.yaml', 'yaml/DUPLICATE_KEY', 3, 1],
    ['include-tag.yaml', 'yaml/TAG_RESOLVE_FAILED', 3, 11],
    ['js-function-tag.yaml', 'yaml/TAG_RESOLVE_FAILED', 4, 7],
    ['multi-document.yaml', 'yaml/multiple-documents', 3, 1],
    ['deep-nesting.yaml', 'yaml/too-deep', 1, 73],
    ['not-utf8.yaml', 'file/encoding', 4, 14],
    ['alias-bomb.yaml', 'yaml/alias-bomb', 1, 1],
  ])('%s is refused with %s at %i:%i', (name, rule, line, col) => {
    const list = problems(load(name));
    expect(list[0]).toMatchObject({ file: name, rule, line, col, severity: 'error' });
    expect(list[0]?.message.length).toBeGreaterThan(10);
  });

  it('a YAML syntax error stops before the schema', () => {
    const list = problems(load('syntax-error.yaml'));
    expect(list.every((d) => d.rule.startsWith('yaml/'))).toBe(true);
    expect(list[0]?.line).toBe(5);
  });

  it('the position the parser repeats is not duplicated into the message', () => {
    const list = problems(load('duplicate-key.yaml'));
    expect(list[0]?.message).not.toMatch(/at line \d+/);
  });

  it('merge keys stay off: `<<` is an unknown key, not a merge', () => {
    const result = load('merge-key.yaml');
    expect(result.ok && result.value.data).toMatchObject({
      owner: { '<<': { team: 'a' }, slackChannel: '#x' },
    });
    const asRunbook = validateText(
      'apiVersion: gc-incident/v1\nkind: Runbook\nmetadata:\n  <<: {id: x}\n',
      'merge.yaml',
    );
    expect(asRunbook).toContainEqual(
      expect.objectContaining({ line: 4, col: 3, message: "/metadata: unknown property '<<'" }),
    );
  });

  it('a file over the size cap is refused without being parsed', () => {
    const big = new TextEncoder().encode(`a: "${'x'.repeat(MAX_FILE_BYTES)}"\n`);
    expect(problems(loadYaml('huge.yaml', big))[0]).toMatchObject({ rule: 'file/too-large' });
  });

  it('very deep block nesting is refused before it reaches the parser', () => {
    const deep = Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}- `).join('\n');
    expect(problems(loadYaml('deep-block.yaml', new TextEncoder().encode(`${deep}x\n`)))[0]).toMatchObject({
      rule: 'yaml/too-deep',
    });
  });

  it('a UTF-8 byte-order mark is accepted', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('a: 1\n')]);
    const result = loadYaml('bom.yaml', bom);
    expect(result.ok && result.value.data).toEqual({ a: 1 });
  });

  it('a timestamp-looking value stays a string (YAML 1.2 core schema)', () => {
    const result = loadYaml('d.yaml', new TextEncoder().encode('d: 2026-11-01\ne: yes\n'));
    expect(result.ok && result.value.data).toEqual({ d: '2026-11-01', e: 'yes' });
  });
});
