/** `gc-incident drill` in-process, in a temporary folder with its own SQLite store. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliRun, cli } from './cli.js';
import { RUNBOOKS_DIR } from './runbooks.js';

export async function runDrill(
  scenario: string | undefined,
  options: { path?: string } = {},
): Promise<CliRun & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-drill-test-'));
  const run = await cli(['drill', ...(scenario ? ['--scenario', scenario] : []), '-o', join(dir, 'out')], {
    PATH: options.path ?? process.env.PATH,
    RUNBOOKS_DIR,
    DATABASE_URL: `sqlite:${join(dir, 'gc.db')}`,
    USER: 'tester',
  });
  return { ...run, dir };
}

/** The postmortem file the drill says it wrote. */
export function postmortemPath(stdout: string): string | undefined {
  return /Postmortem written to (\S+)/.exec(stdout)?.[1];
}
