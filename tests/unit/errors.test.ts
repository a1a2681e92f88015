/** The error catalogue and docs/error-codes.md stay in step; the README opens with the two commands. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, GcIncidentError, isGcIncidentError } from '../../src/core/errors.js';
import { REPO } from '../helpers/runbooks.js';

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const errorCodesPage = readFileSync(join(REPO, 'docs', 'error-codes.md'), 'utf8');
const configurationPage = readFileSync(join(REPO, 'docs', 'configuration.md'), 'utf8');
const documented = [...errorCodesPage.matchAll(/^\| `([A-Z0-9_]+)`\s+\|/gm)].map((m) => m[1]);

describe('error catalogue', () => {
  it('every code is documented in docs/error-codes.md', () => {
    for (const code of Object.keys(ErrorCodes)) expect(documented, code).toContain(code);
  });

  it('docs/error-codes.md documents no stale code', () => {
    for (const code of documented) expect(Object.keys(ErrorCodes), code).toContain(code);
  });

  it('errors carry their code and details', () => {
    const error = new GcIncidentError('CONFIG_INVALID', 'bad', { variable: 'X' });
    expect(isGcIncidentError(error)).toBe(true);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details).toEqual({ variable: 'X' });
    expect(isGcIncidentError(new Error('x'))).toBe(false);
  });
});

describe('README', () => {
  it('opens with the two commands: the main job and the tests', () => {
    const firstBlock = readme.split('```')[1] ?? '';
    const commands = firstBlock
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() !== '');
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/^npm install && npm run demo\b/);
    expect(commands[1]).toMatch(/^npm test\b/);
  });

  it('docs/configuration.md documents every environment variable the configuration reads', async () => {
    const { ENVIRONMENT_VARIABLES } = await import('../../src/config.js');
    for (const name of ENVIRONMENT_VARIABLES) {
      expect(configurationPage).toMatch(new RegExp(`\\| \`${name}\`\\s+\\|`));
    }
  });
});
