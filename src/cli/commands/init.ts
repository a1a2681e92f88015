import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { GcIncidentError } from '../../core/errors.js';
import { VERSION } from '../../version.js';
import { EXAMPLE_ID, scaffoldFiles } from '../init/files.js';
import { type CliIo, EXIT } from '../io.js';

export function initCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('init')
    .description(
      'Start a runbook repository: an example runbook with its test, datasources and HTTP actions examples, editor schemas and a CI workflow',
    )
    .argument('[dir]', 'the folder to write into (default: the current folder)', '.')
    .option('--force', 'overwrite files that already exist')
    .addHelpText(
      'after',
      `
Writes runbooks/${EXAMPLE_ID}.yaml, runbooks/tests/${EXAMPLE_ID}.test.yaml, datasources.yaml,
http-actions.yaml, .vscode/settings.json and .github/workflows/runbooks.yml.
Exit codes: 0 written, 2 a file exists (nothing is written; use --force).

Example:
  $ mkdir gc-runbooks && cd gc-runbooks && npm install gc-incident && npx gc-incident init`,
    )
    .action((dir: string, options: { force?: boolean }) => {
      const files = scaffoldFiles(VERSION);
      const existing = files.filter((f) => existsSync(join(dir, f.path))).map((f) => f.path);
      if (existing.length > 0 && !options.force) {
        throw new GcIncidentError(
          'USAGE',
          `init would overwrite ${existing.join(', ')} in ${resolve(dir)}; nothing was written (use --force to overwrite)`,
        );
      }
      for (const file of files) {
        const target = join(dir, file.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, file.content);
        io.stdout(`${existing.includes(file.path) ? 'overwrote' : 'wrote'} ${target}\n`);
      }
      io.stdout(
        `\nNext: 'npx gc-incident validate' and 'npx gc-incident test' in ${dir}; edit runbooks/${EXAMPLE_ID}.yaml for your service.\n`,
      );
      done(EXIT.OK);
    });
}
