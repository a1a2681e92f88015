/**
 * A `kind: diagnose` step against the bundled GC service (service/gc_service.py, which serves
 * gc_incident_exporter's diagnostics at /debug/gc): the live GC state is shown in the terminal
 * walk and in Slack (the real app, the fake Web API), recorded on the step and in the
 * postmortem, and used as the baseline of the simulation that follows. The service's state is
 * changed first (thresholds, gc.freeze()), so only live values can pass.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDiagnoseResult } from '../../src/core/diagnose/result.js';
import { ACTION, metricsValue } from '../../src/slack/ids.js';
import { cli } from '../helpers/cli.js';
import { type Running, SERVICE_PYTHON, startService } from '../helpers/lab.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { buttonsOf, SlackHarness } from '../helpers/slack-app.js';

const RUNBOOK = 'gc-disabled-or-starved';

const missing = existsSync(SERVICE_PYTHON)
  ? undefined
  : `${SERVICE_PYTHON} not found: diagnose tests skipped`;
if (missing) console.log(missing);

describe.skipIf(missing !== undefined)('a diagnose step against the bundled service', () => {
  let service: Running;
  let dir: string;
  let env: Record<string, string>;
  let live: { threshold: number[]; frozen: number; enabled: boolean };

  beforeAll(async () => {
    service = await startService('disabled');
    const post = (path: string) => fetch(`${service.url}${path}`, { method: 'POST' });
    expect((await post('/admin/threshold?t0=4321&t1=17&t2=9')).status).toBe(200);
    expect((await post('/admin/freeze')).status).toBe(200);
    live = (await (await fetch(`${service.url}/admin/state`)).json()) as typeof live;
    dir = mkdtempSync(join(tmpdir(), 'gc-incident-diagnose-'));
    writeFileSync(
      join(dir, 'actions.yaml'),
      [
        'actions:',
        '  gc-diagnostics:',
        '    method: GET',
        '    readOnly: true',
        `    url: ${service.url}/debug/gc?token=s3cr3t-in-url`,
        '    headersFromEnv: { X-Diag-Token: DIAG_TOKEN }',
        '    timeout: 10s',
        // The shipped runbooks' other actions (validation refuses runbooks naming unknown ones).
        ...['gc-enable', 'gc-collect', 'gc-set-threshold', 'gc-freeze-refork'].flatMap((name) => [
          `  ${name}:`,
          '    method: POST',
          `    url: ${service.url}/admin/${name.slice(3)}`,
        ]),
        '',
      ].join('\n'),
    );
    env = {
      HTTP_ACTIONS_FILE: join(dir, 'actions.yaml'),
      DIAG_TOKEN: 'header-secret-value',
      RUNBOOKS_DIR,
      USER: 'alice',
    };
  }, 60_000);
  afterAll(async () => service?.stop());

  it('the service reports what the test set (the precondition)', () => {
    expect(live).toMatchObject({ threshold: [4321, 17, 9], enabled: false });
    expect(live.frozen).toBeGreaterThan(0);
  });

  it('the terminal walk shows the live state, records it, and simulates from it', async () => {
    const db = `sqlite:${join(dir, 'walk.db')}`;
    const run = await cli(['walk', RUNBOOK, '--input', 'job=gcsvc', '--auto'], { ...env, DATABASE_URL: db });
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain('[diagnose] gc-state:');
    // The frozen count only falls (frozen objects freed by reference counting leave the permanent generation).
    const frozen = Number(/thresholds 4321\/17\/9 · ([\d,]+) frozen/.exec(out)?.[1]?.replace(/,/g, ''));
    expect(frozen).toBeGreaterThan(live.frozen * 0.9);
    expect(frozen).toBeLessThanOrEqual(live.frozen);
    expect(out).toContain('collector DISABLED · thresholds 4321/17/9 · ');
    expect(out).toMatch(/gen\s+threshold\s+pending\s+collections\s+collected\s+uncollectable\n\s+0\s+4,321/);
    expect(out).toMatch(/\d[\d,]*\s+Node\n|__main__\.Node/);
    expect(out).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/debug\/gc\?token=\*\*\*: 200 in \d+ ms/);
    expect(out).toContain("baseline from the service's live GC state ('gc-state'): thresholds 4321/17/9");
    expect(out + run.stderr).not.toContain('s3cr3t-in-url');
    expect(out + run.stderr).not.toContain('header-secret-value');

    const id = /Opened (GC-\d{4}-\d{4})/.exec(out)?.[1] ?? '';
    const shown = await cli(['show', id], { ...env, DATABASE_URL: db });
    const step = /gc-state: running → done \[([^\]]+)\]/.exec(shown.stdout)?.[1];
    expect(step).toContain('thresholds 4321/17/9');
    const md = await cli(['export', id, '--format', 'json'], { ...env, DATABASE_URL: db });
    const postmortem = JSON.parse(md.stdout) as { triage: { stepId: string; outcome: string | null }[] };
    const triage = postmortem.triage.find((s) => s.stepId === 'gc-state');
    expect(triage?.outcome).toMatch(/^GC state from GET .*: collector DISABLED · thresholds 4321\/17\/9/);
    expect(md.stdout).not.toContain('s3cr3t-in-url');
  });

  it('Slack shows the same live state in the thread when Run is clicked', async () => {
    const h = await SlackHarness.start({ env });
    try {
      await h.slash(`start ${RUNBOOK} job=gcsvc`);
      const { id } = await h.latestIncident();
      // No Prometheus here: skip the metric steps, as the thread asks, and go to triage.
      await h.click(ACTION.skipMetrics, metricsValue(id, 'default'));
      await h.click(ACTION.advance, id);
      expect((await h.store.load(id))?.phase).toBe('triage');
      const buttons = buttonsOf(await h.card(id)).filter((b) => b.value === `${id}|gc-state`);
      expect(buttons.map((b) => b.actionId)).toContain(ACTION.run);
      expect(buttons.map((b) => b.actionId)).not.toContain(ACTION.approve);
      await h.click(ACTION.run, `${id}|gc-state`);
      const step = (await h.store.load(id))?.steps.find((s) => s.id === 'gc-state');
      expect(step?.status).toBe('done');
      expect(isDiagnoseResult(step?.result)).toBe(true);
      if (!isDiagnoseResult(step?.result)) return;
      expect(step.result.state.thresholds).toEqual([4321, 17, 9]);
      expect(step.result.state.frozen).toBeGreaterThan(live.frozen * 0.9);
      expect(step.result.state.frozen).toBeLessThanOrEqual(live.frozen);
      expect(step.result.state.objects.top.some((t) => t.type === '__main__.Node')).toBe(true);
      const message = (await h.thread(id)).find((m) => m.text.includes('collector DISABLED'));
      expect(message).toBeDefined();
      const text = JSON.stringify(message?.blocks);
      expect(text).toContain('collector DISABLED · thresholds 4321/17/9');
      expect(text).toMatch(/```\\ngen +threshold/);
      expect(text).toContain('__main__.Node');
      expect(text).not.toContain('s3cr3t-in-url');
      expect(text).not.toContain('header-secret-value');
      // The card shows the state at a glance on the step's line.
      // Done, the step folds into triage's line; detection checked nothing, so it is no tick.
      const card = JSON.stringify((await h.card(id)).blocks);
      expect(card).toMatch(/\*Triage\*: 1 done/);
      expect(card).toContain('⏭️ Detection');
      expect(card).not.toContain('✅ Detection');
    } finally {
      await h.stop();
    }
  }, 60_000);
});
