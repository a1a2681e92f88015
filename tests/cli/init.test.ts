/** `gc-incident init`: a runbook repository that validates as written, and no silent overwrite. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli } from '../helpers/cli.js';

const written = [
  'runbooks/my-service-gc-thrash.yaml',
  'runbooks/tests/my-service-gc-thrash.test.yaml',
  'datasources.yaml',
  'http-actions.yaml',
  '.vscode/settings.json',
  '.github/workflows/runbooks.yml',
];

describe('gc-incident init', () => {
  it('writes a runbook repository whose runbook, datasources and actions validate together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-init-'));
    const run = await cli(['init', dir]);
    expect(run.code).toBe(0);
    for (const file of written) expect(run.stdout).toContain(`wrote ${join(dir, file)}`);
    const checked = await cli(['validate', join(dir, 'runbooks')], {
      DATASOURCES_FILE: join(dir, 'datasources.yaml'),
      HTTP_ACTIONS_FILE: join(dir, 'http-actions.yaml'),
    });
    expect(checked.stdout).toBe('');
    expect(checked.stderr).toMatch(/1 file checked, no problems found|1 files checked, no problems found/);
    expect(checked.code).toBe(0);
    const workflow = parse(readFileSync(join(dir, '.github/workflows/runbooks.yml'), 'utf8')) as {
      jobs: { check: { steps: { run?: string }[] } };
    };
    const steps = workflow.jobs.check.steps.map((s) => s.run ?? '');
    expect(steps).toContain('npx gc-incident validate --format github runbooks');
    expect(steps).toContain('npx gc-incident test runbooks');
    const settings = JSON.parse(readFileSync(join(dir, '.vscode/settings.json'), 'utf8')) as {
      'yaml.schemas': Record<string, string[]>;
    };
    expect(settings['yaml.schemas']['./node_modules/gc-incident/schemas/runbook.schema.json']).toContain(
      'runbooks/*.yaml',
    );
    // The test file is in gc-incident test's format (and passes: tests/cli/runbook-tests covers the
    // shipped file it is made from).
    const test = parse(readFileSync(join(dir, written[1] as string), 'utf8')) as {
      runbook: string;
      tests: { cases: { detection?: string; verification?: string }[] }[];
    };
    expect(test.runbook).toBe('my-service-gc-thrash');
    const verdicts = test.tests.flatMap((t) => t.cases.map((c) => c.detection ?? c.verification));
    for (const verdict of ['fires', 'quiet', 'holds', 'fails']) expect(verdicts).toContain(verdict);
  });

  it('refuses to overwrite an existing file, writes nothing, and overwrites with --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-init-'));
    writeFileSync(join(dir, 'datasources.yaml'), 'mine\n');
    const refused = await cli(['init', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('init would overwrite datasources.yaml');
    expect(refused.stderr).toContain('[USAGE]');
    expect(readFileSync(join(dir, 'datasources.yaml'), 'utf8')).toBe('mine\n');
    expect(() => readFileSync(join(dir, written[0] as string))).toThrow();
    const forced = await cli(['init', dir, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`overwrote ${join(dir, 'datasources.yaml')}`);
    expect(readFileSync(join(dir, 'datasources.yaml'), 'utf8')).toContain('datasources:');
  });
});
