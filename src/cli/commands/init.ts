import { existsSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
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
      // Never through a symlink, with or without --force: a dangling datasources.yaml link or a
      // symlinked .github would make init write wherever the link points.
      const linked = files.map((f) => symlinkOnPath(dir, f.path)).filter((p) => p !== undefined);
      if (linked.length > 0) {
        throw new GcIncidentError(
          'USAGE',
          `init does not write through symlinks: ${[...new Set(linked)].map((p) => resolve(p)).join(', ')} ${linked.length === 1 ? 'is a symlink' : 'are symlinks'}; nothing was written (remove ${linked.length === 1 ? 'it' : 'them'}, or init another folder)`,
        );
      }
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
        // 'wx' fails if the file appeared since the check; --force overwrites a regular file only.
        writeFileSync(target, file.content, { flag: options.force ? 'w' : 'wx' });
        io.stdout(`${existing.includes(file.path) ? 'overwrote' : 'wrote'} ${target}\n`);
      }
      io.stdout(
        `\nNext: 'npx gc-incident validate' and 'npx gc-incident test' in ${dir}; edit runbooks/${EXAMPLE_ID}.yaml for your service.\n`,
      );
      done(EXIT.OK);
    });
}

/** The first path under `dir` on the way to `path` (its folders, then itself) that is a symlink. */
function symlinkOnPath(dir: string, path: string): string | undefined {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const at = join(dir, ...parts.slice(0, i));
    if (lstatSync(at, { throwIfNoEntry: false })?.isSymbolicLink()) return at;
  }
  return undefined;
}
