/** The lazy command table: --help shows what each command says of itself, without loading it. */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { settingsFrom } from '../../src/config.js';
import { cli } from '../helpers/cli.js';

const io = { stdout: () => {}, stderr: () => {}, settings: settingsFrom({}) };

describe('command table', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s: name, summary and arguments match the command',
    async (_name, entry) => {
      const command = (await entry.load())(io, () => {});
      expect(command.name()).toBe(entry.name);
      expect(command.description()).toBe(entry.summary);
      const args = command.registeredArguments.map((a) =>
        a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`,
      );
      const options = command.options.length > 0 ? ['[options]'] : [];
      expect(entry.term).toBe([entry.name, ...options, ...args].join(' '));
    },
  );

  it('--version answers without commander and matches package.json', async () => {
    const { default: pkg } = await import('../../package.json', { with: { type: 'json' } });
    const run = await cli(['--version']);
    expect(run.stdout).toBe(`${pkg.version}\n`);
  });

  it('help NAME loads that command and prints its options', async () => {
    const run = await cli(['help', 'init']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--force');
  });
});
