/**
 * Alertmanager's webhook on the app's server, with the payloads a real
 * Alertmanager 0.25 sent (tests/fixtures/alertmanager, captured on this kind of
 * machine): firing opens one incident in the runbook's channel and starts
 * detection; repeats open nothing more; resolved is noted and, past
 * containment, starts verification; bad tokens and bodies get clear answers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GcIncidentError } from '../../src/core/errors.js';
import { ACTION } from '../../src/slack/ids.js';
import { REPO } from '../helpers/runbooks.js';
import { SlackHarness } from '../helpers/slack-app.js';

const TOKEN = 'alertmanager-shared-secret-0001';
const CHANNEL = '#python-platform';
const [firing, resolved] = readFileSync(
  join(REPO, 'tests/fixtures/alertmanager/alertmanager-webhook-sample.jsonl'),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => (JSON.parse(line) as { body: Record<string, unknown> }).body);

/** The captured payload, pointed at a shipped runbook (by label, or by alert name). */
function payload(
  base: Record<string, unknown> | undefined,
  labels: Record<string, string>,
  groupKey = '{}:{alertname="PythonGCThrash"}',
) {
  const copy = structuredClone(base) as { alerts: { labels: Record<string, string> }[]; groupKey: string };
  copy.groupKey = groupKey;
  for (const alert of copy.alerts) {
    alert.labels = { ...alert.labels, ...labels };
    if (!('runbook_id' in labels)) delete alert.labels.runbook_id;
  }
  return copy;
}

let h: SlackHarness;
beforeAll(async () => {
  h = await SlackHarness.start({ env: { ALERTMANAGER_TOKEN: TOKEN } });
  h.api.channels.set(CHANNEL, true);
}, 30_000);
afterAll(async () => h?.stop());

async function post(
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
) {
  const response = await request(`http://127.0.0.1:${h.port}/alertmanager`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.body.text();
  await h.settle();
  return { status: response.statusCode, body: JSON.parse(text) as Record<string, unknown> };
}

describe('POST /alertmanager', () => {
  it('a firing group opens one incident in the runbook channel with inputs from labels; repeats open nothing', async () => {
    const body = payload(firing, { runbook_id: 'gc-thrash-allocation-churn', job: 'checkout' });
    const first = await post(body);
    expect(first.status).toBe(200);
    const [id] = first.body.opened as string[];
    const incident = await h.store.load(id as string);
    expect(incident).toMatchObject({
      runbookId: 'gc-thrash-allocation-churn',
      commander: 'alertmanager',
      inputs: { job: 'checkout' },
    });
    expect(incident?.card?.channel).toBe(CHANNEL);
    expect(incident?.trigger).toContain('Gen0 GC rate 51.1/s');
    // Detection started by itself (no datasource here: the first check fails, the datasource is
    // said unavailable once, and the other checks wait for the one Skip metric steps / Retry decision).
    expect(incident?.steps.filter((s) => s.phase === 'detection').map((s) => s.status)).toEqual([
      'failed',
      'pending',
    ]);
    // Alertmanager repeats notifications: the same group never opens a second incident.
    const again = await post(body);
    expect(again.body).toMatchObject({ opened: [], existing: [id] });
    expect(
      (await h.store.list({ limit: 100 })).filter((i) => i.runbookId === 'gc-thrash-allocation-churn'),
    ).toHaveLength(1);
  });

  it('maps by alert name when there is no runbook_id label; resolved past containment starts verification', async () => {
    const body = payload(
      firing,
      { alertname: 'PythonGCFullCollectionLatency', job: 'search' },
      '{}:{alertname="PythonGCFullCollectionLatency"}',
    );
    const opened = await post(body);
    const [id] = opened.body.opened as string[];
    expect((await h.store.load(id as string))?.runbookId).toBe('gc-full-collection-latency');
    // People skip through to containment.
    let incident = await h.store.load(id as string);
    for (const step of incident?.steps.filter(
      (s) => (s.phase === 'detection' || s.phase === 'triage') && !s.optional,
    ) ?? []) {
      await h.server.services.service.execute(id as string, {
        type: 'skip-step',
        stepId: step.id,
        reason: 'drill',
        actor: 'U0ALICE001',
      });
    }
    // From the card's channel: a click elsewhere would be refused (src/slack/access.ts).
    await h.click(ACTION.advance, id as string, { channel: CHANNEL });
    await h.click(ACTION.advance, id as string, { channel: CHANNEL });
    expect((await h.store.load(id as string))?.phase).toBe('containment');
    const done = await post(
      payload(
        resolved,
        { alertname: 'PythonGCFullCollectionLatency', job: 'search' },
        '{}:{alertname="PythonGCFullCollectionLatency"}',
      ),
    );
    expect(done.body).toMatchObject({ resolved: [id] });
    incident = await h.store.load(id as string);
    expect(incident?.phase).toBe('verification');
    const timeline = await h.store.timeline(id as string);
    expect(
      timeline.some(
        (e) =>
          e.type === 'note.added' && String(e.data.text).includes('resolved at 2026-11-23T19:13:48.479Z'),
      ),
    ).toBe(true);
    expect(timeline.find((e) => e.type === 'phase.started' && e.data.after === 'verification')?.actor).toBe(
      'alertmanager',
    );
    // The same resolved notification again changes nothing.
    const before = timeline.length;
    await post(
      payload(
        resolved,
        { alertname: 'PythonGCFullCollectionLatency', job: 'search' },
        '{}:{alertname="PythonGCFullCollectionLatency"}',
      ),
    );
    expect((await h.store.timeline(id as string)).length).toBe(before);
  });

  it('a repeat arriving while the first notification still posts the card posts no second card', async () => {
    const body = payload(
      firing,
      { runbook_id: 'gc-thrash-allocation-churn', job: 'race' },
      '{}:{alertname="PythonGCThrash", job="race"}',
    );
    h.api.stall('chat.postMessage');
    const first = post(body);
    for (let i = 0; i < 100 && h.api.stalledCalls === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(h.api.stalledCalls).toBe(1);
    // The repeat (on another replica, say) finds the incident opened and its card being posted.
    const repeat = await request(`http://127.0.0.1:${h.port}/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await repeat.body.json()) as { opened: string[]; existing: string[] };
    expect(repeat.statusCode).toBe(200);
    expect(answer.opened).toEqual([]);
    h.api.unstall();
    const done = await first;
    const [id] = done.body.opened as string[];
    expect(answer.existing).toEqual([id]);
    const cards = h.api.messages.filter((m) => !m.threadTs && m.text.startsWith(id as string));
    expect(cards).toHaveLength(1);
    expect((await h.store.load(id as string))?.card?.ts).toBe(cards[0]?.ts);
  });

  it('unknown alerts, malformed payloads and wrong tokens get clear answers and change nothing', async () => {
    const count = (await h.store.list({ limit: 1000 })).length;
    // No runbook claims it and no ALERTMANAGER_CHANNEL is set: nobody can be told, and a retry
    // cannot help, so Alertmanager gets a 4xx (it logs it and does not retry).
    const unknown = await post(payload(firing, { alertname: 'DiskFull' }, '{}:{alertname="DiskFull"}'));
    expect(unknown).toMatchObject({ status: 422, body: { opened: [], unknown: ['DiskFull'] } });
    expect((unknown.body.blocked as { start: string }[])[0]?.start).toBe(
      '/gc-incident start <runbook-id> service=demo',
    );
    expect(
      (
        await post(firing, {
          authorization: 'Bearer wrong-token-000000000',
          'content-type': 'application/json',
        })
      ).status,
    ).toBe(401);
    expect((await post(firing, { 'content-type': 'application/json' })).status).toBe(401);
    expect(
      (
        await post('{"version": "4", ', {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
        })
      ).body.error,
    ).toMatch(/not JSON/);
    expect((await post({ ...firing, version: '3' })).body.error).toMatch(/version "3" is not supported/);
    expect((await post({ ...firing, alerts: 'many' })).status).toBe(422);
    expect(
      (await post(firing, { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' })).status,
    ).toBe(415);
    expect((await post('x'.repeat(1_100_000))).status).toBe(400);
    expect((await h.store.list({ limit: 1000 })).length).toBe(count);
    expect(h.logs.join('')).not.toContain(TOKEN);
  });

  it('two services alerting in one group open two incidents, each with its own job and thread', async () => {
    const group = '{}:{alertname="PythonGCThrash", service="two"}';
    const body = payload(
      firing,
      { runbook_id: 'gc-thrash-allocation-churn', service: 'two' },
      group,
    ) as unknown as {
      alerts: { labels: Record<string, string>; fingerprint: string }[];
    };
    const [a] = body.alerts as [{ labels: Record<string, string>; fingerprint: string }];
    body.alerts = [
      { ...a, labels: { ...a.labels, job: 'orders' }, fingerprint: 'f-orders' },
      { ...a, labels: { ...a.labels, job: 'billing' }, fingerprint: 'f-billing' },
    ];
    const first = await post(body);
    expect(first.status).toBe(200);
    const ids = first.body.opened as string[];
    expect(ids).toHaveLength(2);
    const incidents = await Promise.all(ids.map((id) => h.store.load(id)));
    expect(incidents.map((i) => i?.inputs.job).sort()).toEqual(['billing', 'orders']);
    expect(new Set(incidents.map((i) => i?.card?.ts)).size).toBe(2);
    // The same notification again (a repeat) adds nothing.
    const again = await post(body);
    expect(again.body).toMatchObject({ opened: [] });
    expect((again.body.existing as string[]).sort()).toEqual([...ids].sort());
  });

  it('an alert without the label an input needs posts one notice with the start line, and no incident', async () => {
    const count = (await h.store.list({ limit: 1000 })).length;
    const group = '{}:{alertname="PythonGCThrash", service="fleet"}';
    const body = payload(firing, { runbook_id: 'gc-thrash-allocation-churn', service: 'fleet' }, group) as {
      alerts: { labels: Record<string, string> }[];
    };
    for (const alert of body.alerts) delete alert.labels.job;
    const before = h.api.messages.length;
    const first = await post(body);
    // People were told; a retry would not add the label: no retry.
    expect(first.status).toBe(200);
    expect(first.body.opened).toEqual([]);
    const notices = h.api.messages.slice(before);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.channel).toBe(CHANNEL);
    const shown = JSON.stringify(notices[0]?.blocks);
    expect(shown).toContain('Alert *PythonGCGen0Demo* could not open an incident');
    expect(shown).toContain('the alert has no `job` label');
    expect(shown).toContain('/gc-incident start gc-thrash-allocation-churn job=&lt;job&gt; service=fleet');
    // Alertmanager repeats the notification: no second notice, still no incident.
    await post(body);
    await post(body);
    expect(h.api.messages.length).toBe(before + 1);
    expect((await h.store.list({ limit: 1000 })).length).toBe(count);
  });

  it('a store outage answers 503 so Alertmanager retries, tells the channel once, and the retry opens the incident', async () => {
    const group = '{}:{alertname="PythonGCThrash", job="outage"}';
    const body = payload(firing, { runbook_id: 'gc-thrash-allocation-churn', job: 'outage' }, group);
    // The incident store goes away (the error the SQLite and PostgreSQL stores raise).
    const store = h.store as unknown as { findIdempotent: (key: string) => Promise<unknown> };
    const real = store.findIdempotent;
    store.findIdempotent = async () => {
      throw new GcIncidentError('STORE_UNAVAILABLE', 'the incident store is unavailable');
    };
    const before = h.api.messages.length;
    try {
      expect((await post(body)).status).toBe(503);
      expect((await post(body)).status).toBe(503);
    } finally {
      store.findIdempotent = real;
    }
    const notices = h.api.messages.slice(before);
    expect(notices).toHaveLength(1);
    expect(JSON.stringify(notices[0]?.blocks)).toContain('Alertmanager retries the notification');
    expect(JSON.stringify(notices[0]?.blocks)).toContain(
      '/gc-incident start gc-thrash-allocation-churn job=outage',
    );
    // Alertmanager's retry, with the store back, opens the incident.
    const retried = await post(body);
    expect(retried.status).toBe(200);
    expect(retried.body.opened).toHaveLength(1);
  });
});
