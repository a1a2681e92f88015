/**
 * The drill behind `npm run demo`: the whole loop on this machine, with
 * Prometheus when it is installed and without it (metric steps unavailable),
 * always cleaning up what it started.
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { postmortemPath, runDrill } from '../helpers/drill.js';
import { labMissing } from '../helpers/lab.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';

const missing = labMissing();
if (missing) console.log(missing);

function writtenPostmortem(stdout: string): string {
  const path = postmortemPath(stdout);
  expect(path).toBeDefined();
  return path as string;
}

async function portClosed(stdout: string): Promise<boolean> {
  const url = /Started the GC service \(mode \w+\) at (\S+)/.exec(stdout)?.[1];
  try {
    await fetch(`${url}/healthz`);
    return false;
  } catch {
    return true;
  }
}

describe.skipIf(missing !== undefined)('gc-incident drill', () => {
  it('with Prometheus: detection fires, the action calls the service, verification passes, follow-ups and postmortem', async () => {
    const run = await runDrill('thrash');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The terminal shows each check's value against its threshold, in the words Slack's thread uses.
    expect(run.stdout).toMatch(
      /\[check\] young-collection-rate: [^\n]*\n[^\n]*\n {2}→ the symptom is present: [0-9.,]+\/s, over the 50\/s limit ✗ \(/,
    );
    expect(run.stdout).toMatch(/threshold=50000,20,100/);
    // With the exporter, triage shows the share of time the service spends in GC, per instance.
    expect(run.stdout).toMatch(
      /\[query\] gc-time-share: [^\n]*\n[^\n]*\n\s+0\.\d+\s+\{instance="127\.0\.0\.1:\d+"\}/,
    );
    // The fitted simulation reads the seconds the lab has scraped, not a 15m window mostly empty
    // (which made a thrashing service look healthy), and names what detection saw.
    expect(run.stdout).toMatch(
      /fitted to job gcsvc over \d+ s of 15m \(the series begin later\)[^\n]*diagnosis: allocation churn/,
    );
    expect(run.stdout).toMatch(
      /POST http:\/\/127\.0\.0\.1:\d+\/admin\/threshold\?t0=100000&t1=10&t2=10: 200/,
    );
    expect(run.stdout).toMatch(/→ verified: the criteria held for 3 s/);
    expect(run.stdout).toMatch(/reminder\(s\) scheduled/);
    expect(run.stdout).toMatch(/status resolved, phase follow-up/);
    const md = readFileSync(writtenPostmortem(run.stdout), 'utf8');
    expect(md).toContain('## Verification');
    // The postmortem names people without their surface prefix (cli:tester is "tester").
    expect(md).toMatch(
      /\| Reduce container allocations on the hot path \| prevent \| tester \(commander: no service owner assigned\) \|/,
    );
    expect(run.stdout).toContain('Stopped every process the drill started.');
    expect(await portClosed(run.stdout)).toBe(true);
  }, 180_000);

  it('without Prometheus: says how to install it and walks on with the metric steps unavailable', async () => {
    const run = await runDrill(undefined, { path: join(tmpdir(), 'gc-incident-no-such-folder', 'bin') });
    expect(run.code).toBe(0);
    expect(run.stdout.match(/Prometheus is not installed \(apt-get install prometheus[^)]*\)/g)).toHaveLength(
      1,
    );
    expect(run.stdout).toMatch(/→ skipped: no metrics datasource is configured/);
    expect(run.stdout).toMatch(/\[simulate\] simulate-churn[\s\S]*?→ done/);
    expect(run.stdout).toMatch(/admin\/threshold\?t0=100000&t1=10&t2=10: 200/);
    expect(existsSync(writtenPostmortem(run.stdout))).toBe(true);
    expect(await portClosed(run.stdout)).toBe(true);
  }, 120_000);

  it('refuses an unknown scenario, naming the ones there are', async () => {
    const run = await cli(['drill', '--scenario', 'nope'], { RUNBOOKS_DIR });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/use one of thrash, full-collection, cycles, disabled, prefork, upgrade/);
  });
});
