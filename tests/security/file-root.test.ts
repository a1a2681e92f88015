/**
 * Defect 12 of #15: WORKLOADS_DIR (and any file root) followed symlinks out of
 * itself, and schema errors then revealed key names of the target file. Files
 * are now resolved with realpath and must stay inside their root.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInRoot } from '../../src/adapters/fs/file-root.js';
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
