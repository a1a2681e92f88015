/**
 * In the integration tier: it draws every chart of a postmortem in the chart worker (18.5 s alone,
 * 35–61 s inside the whole suite, once over the fast tier's 60 s limit), which is not fast feedback.
 *
 * The postmortem canvas embeds its charts: each check's incident window and the decision
 * chart are uploaded as PNGs to the incident's thread and shown in the canvas by permalink
 * (`![](permalink)` under its title, as Slack canvases embed a file). A chart Slack will not
 * take makes the canvas say "chart not available" and why; the canvas is written all the same.
 * Metrics come from a loopback fake Prometheus, Slack from the loopback fake Web API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/engine.js';
import { type FakePrometheus, type PromQuery, startFakePrometheus } from '../helpers/fake-prometheus.js';
import { ALICE, CHANNEL, SlackHarness } from '../helpers/slack-app.js';
import { smallHeapRunbooks } from '../helpers/small-heap-runbooks.js';

// The runbook's simulation on a small heap: these tests are about the charts of its result.
const small = smallHeapRunbooks();
function smallHeapEnv(prometheusUrl: string): Record<string, string> {
  return {
    INCIDENT_CHANNEL_SEVERITIES: 'sev1,sev2',
    PROMETHEUS_URL: prometheusUrl,
    WORKLOADS_DIR: small.workloadsDir,
  };
}

let h: SlackHarness | undefined;
let prometheus: FakePrometheus | undefined;
afterEach(async () => {
  await h?.stop();
  await prometheus?.stop();
  h = undefined;
  prometheus = undefined;
});

/** A pause series rising over the window asked for; instant queries answer one low value. */
function answer(q: PromQuery) {
  if (!q.path.endsWith('query_range')) return { vector: [{ labels: { job: 'checkout' }, value: 0.2 }] };
  const start = Number(q.params.get('start'));
  const end = Number(q.params.get('end'));
  const points: [number, number][] = Array.from({ length: 12 }, (_, i) => [
    start + ((end - start) * i) / 11,
    0.1 + i * 0.15,
  ]);
  return { matrix: [{ labels: { job: 'checkout' }, points }] };
}

const START = 'start gc-full-collection-latency job=checkout service=checkout severity=sev2';
const IMAGE = /^!\[\]\((\S+)\)$/gm;

async function incidentWithDecision(harness: SlackHarness) {
  await harness.slash(START);
  const opened = await harness.newestWithCard();
  await harness.flow.idle();
  // The decision: the what-if simulation, run from the card as a person would.
  await harness.flow.runStep(opened.id, 'simulate-heap', { id: ALICE }, 'sim-1');
  await harness.flow.idle();
  const incident = await harness.store.load(opened.id);
  expect(incident?.steps.find((s) => s.id === 'simulate-heap')?.status).toBe('done');
  return incident ?? opened;
}

describe('the postmortem canvas’s charts', () => {
  it('embeds the check charts and the decision chart by permalink, uploaded to the thread', async () => {
    prometheus = await startFakePrometheus(answer);
    h = await SlackHarness.start({
      env: smallHeapEnv(prometheus.url),
      runbooksDir: small.runbooksDir,
    });
    const incident = await incidentWithDecision(h);
    await h.flow.exportToSlack(incident.id, 'md', CHANNEL);
    const after = await h.store.load(incident.id);
    const canvas = h.api.canvases.get(after?.canvas?.id as string);
    const markdown = canvas?.markdown ?? '';
    const links = [...markdown.matchAll(IMAGE)].map((m) => m[1]);
    // The canvas's charts (the thread holds the charts the steps posted too).
    const pngs = h.api.files.filter(
      (f) =>
        f.threadTs === incident.card?.ts &&
        f.filename.startsWith(`${incident.id}-`) &&
        f.filename.endsWith('.png'),
    );
    // At least one check's incident window, and the decision chart of the simulate step.
    expect(pngs.some((f) => f.filename === `${incident.id}-simulate-heap.png`)).toBe(true);
    expect(pngs.length).toBeGreaterThanOrEqual(2);
    expect(links).toHaveLength(pngs.length);
    for (const file of pngs)
      expect(
        links.some((l) => l?.startsWith('https://example.slack.com/files/') && l.endsWith(file.filename)),
      ).toBe(true);
    expect(markdown).not.toContain('.svg)');
    expect(markdown).not.toContain('chart not available');
    for (const file of pngs) expect(file.bytes).toBeGreaterThan(1000);

    // The next export edits the canvas in place; a chart whose content did not change (the
    // decision chart: the same simulation) is embedded again without a second upload.
    await h.flow.exportToSlack(incident.id, 'md', CHANNEL);
    expect(h.api.canvases.size).toBe(1);
    expect(canvas?.edits).toBe(1);
    expect([...(canvas?.markdown ?? '').matchAll(IMAGE)]).toHaveLength(links.length);
    expect(h.api.files.filter((f) => f.filename === `${incident.id}-simulate-heap.png`)).toHaveLength(1);
  });

  it('a notes change rewrites the canvas without uploading any check chart again', async () => {
    prometheus = await startFakePrometheus(answer);
    const clock = new FakeClock(Date.parse('2026-12-06T20:00:00.000Z'));
    h = await SlackHarness.start({
      env: smallHeapEnv(prometheus.url),
      runbooksDir: small.runbooksDir,
      clock,
    });
    const harness = h;
    const incident = await incidentWithDecision(harness);
    const checkCharts = () =>
      harness.api.files.filter(
        (f) =>
          f.threadTs === incident.card?.ts &&
          f.filename.startsWith(`${incident.id}-`) &&
          f.filename.endsWith('.png') &&
          !f.filename.endsWith('-simulate-heap.png'),
      ).length;
    const note = async (summary: string, key: string) => {
      await harness.flow.notePostmortem(incident.id, { summary }, { id: ALICE }, key);
      await harness.flow.idle();
    };
    await harness.flow.exportToSlack(incident.id, 'md', CHANNEL);
    const uploaded = checkCharts();
    expect(uploaded).toBeGreaterThanOrEqual(1);
    // Open: its window ends now, to the minute; a note seconds later leaves the charts as they were.
    clock.advance(10_000);
    await note('Full collections every 40 s.', 'n1');
    const canvas = harness.api.canvases.get((await harness.store.load(incident.id))?.canvas?.id as string);
    expect(canvas?.markdown).toContain('Full collections every 40 s.');
    expect(checkCharts()).toBe(uploaded);
    // Resolved: its window ends at the resolution, not at the next notes change.
    await harness.flow.setStatus(incident.id, 'resolved', { id: ALICE }, 's1');
    await harness.flow.exportToSlack(incident.id, 'md', CHANNEL);
    const resolved = checkCharts();
    clock.advance(5 * 60_000);
    await note('Full collections every 40 s; the heap was too small.', 'n2');
    expect(canvas?.markdown).toContain('the heap was too small');
    expect(checkCharts()).toBe(resolved);
  });

  it('a chart Slack refuses: the canvas says "chart not available" and why, and is written anyway', async () => {
    prometheus = await startFakePrometheus(answer);
    h = await SlackHarness.start({
      env: smallHeapEnv(prometheus.url),
      runbooksDir: small.runbooksDir,
    });
    const harness = h;
    await harness.slash(START);
    const incident = await harness.newestWithCard();
    await harness.flow.idle();
    // The export's own file goes up; the first chart's upload is refused.
    harness.api.failNext('files.getUploadURLExternal', { pass: true }, { error: 'missing_scope' });
    await harness.flow.exportToSlack(incident.id, 'md', CHANNEL);
    const canvas = harness.api.canvases.get((await harness.store.load(incident.id))?.canvas?.id as string);
    expect(canvas).toBeDefined();
    const refused = (canvas?.markdown ?? '').split('\n').filter((l) => l.includes('chart not available'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/\(incident window\): chart not available: `missing_scope`\.$/);
  });
});
