/**
 * Defect 12 of #15: WORKLOADS_DIR (and any file root) followed symlinks out of
 * itself, and schema errors then revealed key names of the target file. Files
 * are now resolved with realpath and must stay inside their root.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInRoot, resolveWorkloadRef } from '../../src/adapters/fs/file-root.js';
import { validateRunbookPaths } from '../../src/adapters/fs/runbook-files.js';
import { buildValidationContext } from '../../src/composition/validation-context.js';
import { readConfig } from '../../src/config.js';
import { REPO } from '../helpers/runbooks.js';
import { SlackHarness } from '../helpers/slack-app.js';

const dir = mkdtempSync(join(tmpdir(), 'gc-incident-root-'));
const root = join(dir, 'workloads');
const outside = join(dir, 'outside');
mkdirSync(root);
mkdirSync(outside);
writeFileSync(join(outside, 'secret.yaml'), 'db_password_key: hunter2\naws_secret_access_key: x\n');
symlinkSync(join(outside, 'secret.yaml'), join(root, 'evil.yaml'));
symlinkSync(outside, join(root, 'sub'));
writeFileSync(join(root, 'fine.yaml'), 'name: fine\n');

describe('the file-root resolver', () => {
  it('refuses a symlink whose target is outside the root, and a symlinked folder', () => {
    expect(() => resolveInRoot(root, 'evil.yaml')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => resolveInRoot(root, 'sub/secret.yaml')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => resolveInRoot(root, '../outside/secret.yaml')).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
  });

  it('resolves files inside the root, and names a missing one without guessing', () => {
    expect(resolveInRoot(root, 'fine.yaml')).toMatch(/fine\.yaml$/);
    expect(resolveInRoot(root, 'missing.yaml')).toMatch(/missing\.yaml$/);
  });
});

describe("a runbook's workload ref", () => {
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, 'runbooks'), { recursive: true });
  mkdirSync(join(repo, 'workloads'), { recursive: true });
  writeFileSync(join(repo, 'workloads', 'ok.yaml'), 'name: ok\n');
  symlinkSync(join(outside, 'secret.yaml'), join(repo, 'workloads', 'linked.yaml'));
  const runbook = join(repo, 'runbooks', 'r.yaml');

  it('resolves beside the runbooks folder, and refuses climbing out or a link leading out', () => {
    expect(resolveWorkloadRef(runbook, '../workloads/ok.yaml')).toMatch(/workloads\/ok\.yaml$/);
    expect(() => resolveWorkloadRef(runbook, '../../outside/secret.yaml')).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
    expect(() => resolveWorkloadRef(runbook, '../workloads/linked.yaml')).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
  });

  it('validate reports an escaping ref at its line without reading the target', () => {
    const shipped = readFileSync(join(REPO, 'runbooks', 'gc-full-collection-latency.yaml'), 'utf8');
    const refLine = shipped.split('\n').find((l) => l.includes('ref: ../workloads/'));
    expect(refLine, 'the shipped full-collection runbook has a workload ref').toBeDefined();
    writeFileSync(
      runbook,
      shipped.replace(refLine ?? '', refLine?.replace(/ref: .*/, 'ref: ../../outside/secret.yaml') ?? ''),
    );
    const report = validateRunbookPaths([runbook], buildValidationContext(readConfig({}), []).context);
    const problem = report.diagnostics.find((d) => d.rule === 'runbook/workload-ref');
    expect(problem?.message).toMatch(/outside the runbook repository/);
    expect(problem?.line).toBe(shipped.split('\n').indexOf(refLine ?? '') + 1);
    expect(JSON.stringify(report.diagnostics)).not.toMatch(/db_password_key|aws_secret/);
  });
});

describe('WORKLOADS_DIR from Slack', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await SlackHarness.start({ env: { WORKLOADS_DIR: root } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('does not read a symlinked file outside the folder, nor reveal its keys', async () => {
    const sent = await h.slash('simulate evil');
    const answer = JSON.stringify(h.answersTo(sent.responseUrl));
    expect(answer).toMatch(/outside the workload folder/);
    expect(answer).not.toMatch(/db_password_key|aws_secret_access_key/);
  });

  it('still serves the shipped workloads from their folder', async () => {
    const shipped = resolveInRoot(join(REPO, 'workloads'), 'full-collection-latency.yaml');
    expect(shipped).toContain('full-collection-latency.yaml');
  });
});
