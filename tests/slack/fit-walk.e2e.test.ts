/**
 * The shipped thrash runbook's fitted simulation, walked on both surfaces
 * against the real lab: the bundled CPython service thrashing, a real
 * Prometheus scraping it, the terminal walk and the Slack app (signed
 * requests, the fake Web API). Each shows the what-if table of the workload
 * fitted to the service, the fit's quality and diagnosis beside it, and the
 * ranking's verdict with `disable` ruled out; an unknown job falls back to
 * the runbook's own workload and says why.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ACTION } from '../../src/slack/ids.js';
import { cli } from '../helpers/cli.js';
import {
  heldFor,
  labMissing,
  type Running,
  startPrometheus,
  startService,
  waitForSeries,
} from '../helpers/lab.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { BOB, SlackHarness } from '../helpers/slack-app.js';

const missing = labMissing();
if (missing) console.log(missing);

const RUNBOOK = 'gc-thrash-allocation-churn';
const STEP = 'simulate-churn';
const FIT_NOTE =
  /fitted to job gcsvc over (12s|\d+ s of 12s \(the series begin later\)); fit quality: collections\/s gen0 [0-9.]+ vs [0-9.]+ \([+-][0-9.]+ %\)/;
// No collection runs under it while the churn's cycles pile up: nothing would ever free them.
const RULED_OUT = 'Ruled out: Disabling the collector (cyclic garbage is never freed).';

/** The shipped runbook, its detection and fit window short enough for a test, and `disable` among the what-ifs. */
function copyRunbook(dir: string): void {
  const doc = parseDocument(readFileSync(join(RUNBOOKS_DIR, `${RUNBOOK}.yaml`), 'utf8'));
  // Detection asks for 10 minutes of breach; the lab has seconds of it.
  doc.setIn(['detection', 'checks', 0, 'for'], '5s');
  const steps = doc.getIn(['triage', 'steps']) as { items: { get(k: string): unknown }[] };
  const index = steps.items.findIndex((s) => s.get('id') === STEP);
  expect(doc.getIn(['triage', 'steps', index, 'workload', 'fit', 'window'])).toBe('15m');
  doc.setIn(['triage', 'steps', index, 'workload', 'fit', 'window'], '12s');
  const whatIf = doc.getIn(['triage', 'steps', index, 'whatIf']) as { items: unknown[] };
  doc.setIn(['triage', 'steps', index, 'whatIf', whatIf.items.length], 'disable');
  writeFileSync(join(dir, `${RUNBOOK}.yaml`), doc.toString());
}

describe.skipIf(missing !== undefined)('a runbook step fitted to the live service, on both surfaces', () => {
  let service: Running;
  let prom: Running;
  let h: SlackHarness;
  let dir: string;

  beforeAll(async () => {
    service = await startService('churn');
    prom = await startPrometheus([`127.0.0.1:${service.port}`]);
    await waitForSeries(prom.url, 'python_gc_collections_total');
    dir = mkdtempSync(join(tmpdir(), 'gc-incident-fit-walk-'));
    copyRunbook(dir);
    h = await SlackHarness.start({ runbooksDir: dir, env: { PROMETHEUS_URL: prom.url } });
    // The fit reads a 12 s window of the live service: wait until Prometheus has scraped all of it
    // (a real wait of about 12 s: this test is about fitting what the service does, not evaluation).
    await waitForSeries(prom.url, heldFor('python_gc_collections_total', 12), 60_000);
  }, 90_000);

  afterAll(async () => {
    await h?.stop();
    await prom?.stop();
    await service?.stop();
  });

  it('the terminal walk shows the fitted what-if table, the fit quality and diagnosis, and the verdict', async () => {
    const run = await cli(['walk', RUNBOOK, '--input', 'job=gcsvc', '--input', 'window=5s', '--auto'], {
      PROMETHEUS_URL: prom.url,
      RUNBOOKS_DIR: dir,
      DATABASE_URL: `sqlite:${join(dir, 'terminal.db')}`,
    });
    expect(run.code).toBe(0);
    const out = run.stdout.slice(run.stdout.indexOf(STEP));
    expect(out).toMatch(/variant\s+python\s+gen0/);
    for (const row of ['baseline', 'threshold=10000,10,10', 'threshold=50000,20,100', 'disable'])
      expect(out).toContain(row);
    expect(out).toMatch(FIT_NOTE);
    expect(out).toContain('diagnosis: allocation churn');
    expect(out).not.toContain('fit failed');
    expect(out).toContain(RULED_OUT);
    // The verdict leads with the runbook's objective (GC time for churn), or says it cannot tell.
    expect(out).toMatch(
      /(cuts|changes) GC time [0-9.]+ → |No variant beats the baseline on GC time|Can't tell: /,
    );
    expect(out).not.toMatch(/^Disabling the collector (cuts|raises|keeps)/m);
  }, 240_000);

  it('the Slack walk shows the same in the thread, and records the note with the step', async () => {
    await h.slash(`start ${RUNBOOK} job=gcsvc window=5s`);
    const { id } = await h.latestIncident();
    await h.click(ACTION.advance, id);
    await h.click(ACTION.run, `${id}|${STEP}`, { user: BOB });
    const step = (await h.store.load(id))?.steps.find((s) => s.id === STEP);
    expect(step?.status).toBe('done');
    const result = step?.result as { rows?: { variant: string }[]; note?: string } | undefined;
    expect(result?.rows?.map((r) => r.variant)).toContain('disable');
    expect(result?.note).toMatch(FIT_NOTE);
    const thread = JSON.stringify(await h.thread(id));
    expect(thread).toMatch(FIT_NOTE);
    expect(thread).toContain('diagnosis: allocation churn');
    expect(thread).toContain(RULED_OUT);
    expect(thread).not.toContain('Disabling the collector cuts');
    expect(h.api.calls.filter((c) => !c.ok)).toEqual([]);
  }, 240_000);

  it("an unknown job: the runbook's own workload, and the thread says why", async () => {
    await h.slash(`start ${RUNBOOK} job=nope window=5s`);
    const { id } = await h.latestIncident();
    await h.click(ACTION.advance, id);
    await h.click(ACTION.run, `${id}|${STEP}`);
    const step = (await h.store.load(id))?.steps.find((s) => s.id === STEP);
    expect(step?.status).toBe('done');
    const thread = JSON.stringify(await h.thread(id));
    expect(thread).toContain('fit failed (FIT_JOB_NOT_FOUND: no python_gc_collections_total series');
    expect(thread).toMatch(/simulated the runbook(&#39;|')s workload instead/);
  }, 240_000);
});
