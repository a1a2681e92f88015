/**
 * An end-to-end walk in Slack with real parts except Slack's servers: the
 * bundled CPython service thrashing its young generation, Prometheus scraping
 * it, the app on loopback receiving signed requests, an HTTP action calling
 * the service's admin endpoint. Every phase is driven by button clicks, and
 * the store is inspected at the end.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ACTION } from '../../src/slack/ids.js';
import {
  heldFor,
  labMissing,
  type Running,
  startPrometheus,
  startService,
  waitForSeries,
} from '../helpers/lab.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { ALICE, BOB, SlackHarness, until } from '../helpers/slack-app.js';

const missing = labMissing();
if (missing) console.log(missing);

const RUNBOOK = 'gc-thrash-allocation-churn';
/** The detection check's condition, with the job and window the test walks with. */
const BREACH = 'max(rate(python_gc_collections_total{job="gcsvc",generation="0"}[5s])) > 50';

/** The shipped runbook with durations a test can wait for, and its HTTP action made high-risk. */
function drillRunbook(dir: string): void {
  const doc = parseDocument(readFileSync(join(RUNBOOKS_DIR, `${RUNBOOK}.yaml`), 'utf8'));
  doc.setIn(['detection', 'checks', 0, 'for'], '5s');
  doc.setIn(['verification', 'stableFor'], '3s');
  doc.setIn(['verification', 'interval'], '1s');
  doc.setIn(['verification', 'deadline'], '60s');
  const actions = doc.getIn(['containment', 'actions']) as { items: { get(k: string): unknown }[] };
  const index = actions.items.findIndex((a) => a.get('id') === 'raise-young-threshold');
  doc.setIn(['containment', 'actions', index, 'risk'], 'high');
  doc.setIn(['containment', 'actions', index, 'rollback'], 'Set the previous thresholds again.');
  doc.setIn(
    ['containment', 'actions', index, 'confirmation'],
    doc.createNode({ required: true, approvers: [{ role: 'commander' }] }),
  );
  writeFileSync(join(dir, `${RUNBOOK}.yaml`), doc.toString());
  // A verification that never holds, stopped at its deadline, is tests/parity/surfaces.parity's
  // (on a fake clock, on both surfaces, the thread's words included).
}

describe.skipIf(missing !== undefined)('an incident walked in Slack against the real lab', () => {
  let service: Running;
  let prom: Running;
  let h: SlackHarness;

  beforeAll(async () => {
    service = await startService('churn');
    prom = await startPrometheus([`127.0.0.1:${service.port}`]);
    await waitForSeries(prom.url, 'rate(python_gc_collections_total[5s])');
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-e2e-'));
    drillRunbook(dir);
    writeFileSync(
      join(dir, 'actions.yaml'),
      `actions:\n  gc-set-threshold:\n    method: POST\n    url: ${service.url}/admin/threshold?t0=500000&t1=10&t2=10\n    timeout: 5s\n`,
    );
    h = await SlackHarness.start({
      runbooksDir: dir,
      env: { PROMETHEUS_URL: prom.url, HTTP_ACTIONS_FILE: join(dir, 'actions.yaml') },
    });
    // Five seconds of breach for the detection check's `for`: wait until they are in Prometheus.
    await waitForSeries(prom.url, heldFor(BREACH, 5), 60_000);
  }, 90_000);

  afterAll(async () => {
    await h?.stop();
    await prom?.stop();
    await service?.stop();
  });

  it('detection fires, triage runs a query and a simulation, containment calls the service, verification passes', async () => {
    await h.slash(`start ${RUNBOOK} job=gcsvc window=5s`);
    const { id } = await h.latestIncident();
    const step = async (stepId: string) => (await h.store.load(id))?.steps.find((s) => s.id === stepId);

    // Detection ran by itself: GC thrash is there.
    const young = await step('young-collection-rate');
    expect(young?.status).toBe('done');
    expect((young?.result as { outcome?: string } | undefined)?.outcome).toBe('holds');
    const cpu = await step('cpu-busy');
    if (cpu?.status !== 'done') await skip(id, 'cpu-busy', 'the lab runs on a shared machine');
    expect(h.api.files.some((f) => f.filename === 'young-collection-rate.png' && f.bytes > 1000)).toBe(true);

    await h.click(ACTION.advance, id);
    expect((await h.store.load(id))?.phase).toBe('triage');
    await h.click(ACTION.run, `${id}|collections-per-request`);
    expect((await step('collections-per-request'))?.status).toBe('done');
    await h.click(ACTION.run, `${id}|simulate-churn`, { user: BOB });
    const simulated = await step('simulate-churn');
    expect(simulated?.status).toBe('done');
    expect((simulated?.result as { rows?: unknown[] } | undefined)?.rows).toHaveLength(5);
    const thread = JSON.stringify(await h.thread(id));
    expect(thread).toContain('threshold=50000,20,100');
    expect(thread).toContain('100%');
    expect(h.api.files.some((f) => f.filename === 'simulate-churn.png' && f.bytes > 1000)).toBe(true);
    await h.click(ACTION.done, `${id}|profile`);
    await h.click(ACTION.done, `${id}|allocation-hotspots`);

    await h.click(ACTION.advance, id);
    expect((await h.store.load(id))?.phase).toBe('containment');
    // Running before approval is refused; Bob is not the commander; Alice is.
    const early = await h.click(ACTION.run, `${id}|raise-young-threshold`);
    expect(String(h.answersTo(early.responseUrl)[0]?.text)).toContain('needs an approval');
    const bob = await h.click(ACTION.approve, `${id}|raise-young-threshold`, { user: BOB });
    expect(String(h.answersTo(bob.responseUrl)[0]?.text)).toContain('only the commander');
    await h.click(ACTION.approve, `${id}|raise-young-threshold`, { user: ALICE });
    await h.click(ACTION.run, `${id}|raise-young-threshold`);
    const action = await step('raise-young-threshold');
    expect(action?.status).toBe('done');
    expect(
      ((await (await fetch(`${service.url}/admin/state`)).json()) as { threshold: number[] }).threshold,
    ).toEqual([500000, 10, 10]);
    expect(JSON.stringify(await h.thread(id))).toMatch(
      /POST http:\/\/127\.0\.0\.1:\d+\/admin\/threshold\?t0=500000&amp;t1=10&amp;t2=10 → 200/,
    );
    await h.click(ACTION.mitigated, id);

    // Verification starts when its phase does and re-checks until the criteria held for 3 s.
    await h.click(ACTION.advance, id);
    const verified = await until(
      async () => ((await step('young-collections-ok'))?.status === 'done' ? true : undefined),
      60_000,
      'verification',
    );
    expect(verified).toBe(true);
    expect(JSON.stringify(await h.thread(id))).toContain('Verification passed');
    await h.click(ACTION.resolved, id);
    await h.click(ACTION.advance, id);

    const incident = await h.store.load(id);
    expect(incident).toMatchObject({ status: 'resolved', phase: 'follow-up', commander: ALICE });
    const timeline = await h.store.timeline(id);
    const byType = (type: string) => timeline.filter((e) => e.type === type);
    expect(byType('phase.started').map((e) => e.data.after)).toEqual([
      'triage',
      'containment',
      'verification',
      'follow-up',
    ]);
    expect(byType('action.approved')[0]?.actor).toBe(ALICE);
    expect(byType('step.completed').find((e) => e.data.stepId === 'simulate-churn')?.actor).toBe(BOB);
    expect(byType('status.changed').map((e) => e.data.after)).toEqual(['mitigated', 'resolved']);
    expect(timeline.every((e) => e.actor === 'system' || /^U0/.test(e.actor))).toBe(true);
    expect(h.api.calls.filter((c) => !c.ok)).toEqual([]);
  }, 180_000);

  async function skip(id: string, stepId: string, reason: string) {
    const click = await h.click(ACTION.skip, `${id}|${stepId}`);
    await until(() => h.api.callsOf('views.open').find((c) => c.body.trigger_id === click.triggerId));
    const view = h.api.views.at(-1);
    await h.submit(view?.view as Record<string, unknown>, view?.id as string, {
      reason: { value: { type: 'plain_text_input', value: reason } },
    });
  }
});
