/**
 * Finding 8 (low): `gc-incident init` wrote through symlinks (a dangling
 * `datasources.yaml` link, a symlinked `.github`) even without `--force`.
 * Replayed: both are refused, with and without --force, naming the link;
 * nothing is written, neither in the folder nor where the links point.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

function folders() {
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-init-link-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'gc-incident-init-target-'));
  return { dir, elsewhere };
}

describe('gc-incident init and symlinks', () => {
  for (const force of [false, true]) {
    it(`refuses a dangling datasources.yaml link${force ? ' with --force' : ''}`, async () => {
      const { dir, elsewhere } = folders();
      const target = join(elsewhere, 'planted.yaml');
      symlinkSync(target, join(dir, 'datasources.yaml'));
      const run = await cli(['init', dir, ...(force ? ['--force'] : [])]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `init does not write through symlinks: ${join(dir, 'datasources.yaml')} is a symlink`,
      );
      expect(existsSync(target)).toBe(false);
      expect(readdirSync(dir)).toEqual(['datasources.yaml']);
    });

    it(`refuses a symlinked .github folder${force ? ' with --force' : ''}`, async () => {
      const { dir, elsewhere } = folders();
      mkdirSync(join(elsewhere, 'workflows'));
      symlinkSync(elsewhere, join(dir, '.github'));
      const run = await cli(['init', dir, ...(force ? ['--force'] : [])]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${join(dir, '.github')} is a symlink`);
      expect(readdirSync(join(elsewhere, 'workflows'))).toEqual([]);
      expect(existsSync(join(dir, 'runbooks'))).toBe(false);
    });
  }
});
