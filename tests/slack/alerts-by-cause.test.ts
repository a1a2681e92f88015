/**
 * One incident per cause (docs/alerts-dedup.md), through the app's real webhook, store and
 * the loopback Slack API: alert names, groups and instance sets of one runbook and job share
 * one incident; a resolved alert opens nothing; firing again soon after resolution relapses.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/engine.js';
import { SlackHarness } from '../helpers/slack-app.js';

const TOKEN = 'alertmanager-shared-secret-0031';
const CHANNEL = '#python-platform';
const clock = new FakeClock(Date.parse('2026-11-23T10:00:00.000Z'));

interface Alert {
  name: string;
  job: string;
  instance: string;
  status?: 'firing' | 'resolved';
  startsAt?: string;
}

/** An Alertmanager v4 notification for gc-cyclic-garbage-growth's alerts (matched by alert name). */
function notification(groupKey: string, alerts: Alert[]) {
  return {
    version: '4',
    groupKey,
    status: alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved',
    receiver: 'gc-incident',
    truncatedAlerts: 0,
    externalURL: 'http://alertmanager.invalid',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: { alertname: a.name, job: a.job, instance: a.instance },
      annotations: { summary: `${a.name} on ${a.instance}` },
      startsAt: a.startsAt ?? '2026-11-23T09:58:00.000Z',
      endsAt: a.status === 'resolved' ? '2026-11-23T10:05:00.000Z' : '0001-01-01T00:00:00Z',
      fingerprint: `${a.name}:${a.job}:${a.instance}`,
    })),
  };
}

let h: SlackHarness;
beforeAll(async () => {
  h = await SlackHarness.start({ env: { ALERTMANAGER_TOKEN: TOKEN, ALERT_RELAPSE_WINDOW: '30m' }, clock });
  h.api.channels.set(CHANNEL, true);
}, 30_000);
afterAll(async () => h?.stop());

async function post(body: unknown) {
  const response = await request(`http://127.0.0.1:${h.port}/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.body.text();
  await h.settle();
  return { status: response.statusCode, body: JSON.parse(text) as Record<string, string[]> };
}

async function incidentsOf(job: string) {
  return (await h.store.list({ limit: 500 })).filter(
    (i) => i.runbookId === 'gc-cyclic-garbage-growth' && i.inputs.job === job,
  );
}

describe('one incident per cause', () => {
  it('the two alert names of one runbook for one job, in two groups, open one incident', async () => {
    const a = await post(
      notification('{}:{alertname="PythonGCUncollectableObjects", job="api"}', [
        { name: 'PythonGCUncollectableObjects', job: 'api', instance: 'api-1' },
      ]),
    );
    expect(a.status).toBe(200);
    const [id] = a.body.opened as string[];
    const b = await post(
      notification('{}:{alertname="PythonMemoryGrowthWithCycles", job="api"}', [
        {
          name: 'PythonMemoryGrowthWithCycles',
          job: 'api',
          instance: 'api-1',
          startsAt: '2026-11-23T09:59:30Z',
        },
      ]),
    );
    expect(b.body).toMatchObject({ opened: [], existing: [id] });
    expect(await incidentsOf('api')).toHaveLength(1);
    const incident = await h.store.load(id as string);
    expect(incident?.cause).toBe('gc-cyclic-garbage-growth{job="api"}');
    expect(incident?.alerts?.names).toEqual(['PythonGCUncollectableObjects', 'PythonMemoryGrowthWithCycles']);
    expect(incident?.alerts?.firing).toHaveLength(2);
    // Recorded on its timeline, and the card's alert line shows both names.
    const attached = (await h.store.timeline(id as string)).filter((e) => e.type === 'alerts.attached');
    expect(attached.map((e) => e.data.names)).toEqual([
      ['PythonGCUncollectableObjects'],
      ['PythonMemoryGrowthWithCycles'],
    ]);
    const card = h.api.message(CHANNEL, incident?.card?.ts as string);
    expect(JSON.stringify(card?.blocks)).toContain(
      '2 alerts firing (PythonGCUncollectableObjects, PythonMemoryGrowthWithCycles)',
    );
    // The same notification again changes nothing at all.
    const before = (await h.store.timeline(id as string)).length;
    await post(
      notification('{}:{alertname="PythonMemoryGrowthWithCycles", job="api"}', [
        {
          name: 'PythonMemoryGrowthWithCycles',
          job: 'api',
          instance: 'api-1',
          startsAt: '2026-11-23T09:59:30Z',
        },
      ]),
    );
    expect((await h.store.timeline(id as string)).length).toBe(before);
  });

  it('an instance leaving and re-joining its group opens nothing new, whatever the grouping', async () => {
    const group = '{}:{alertname="PythonGCUncollectableObjects", job="web"}';
    const both = [
      { name: 'PythonGCUncollectableObjects', job: 'web', instance: 'web-1' },
      {
        name: 'PythonGCUncollectableObjects',
        job: 'web',
        instance: 'web-2',
        startsAt: '2026-11-23T09:57:00Z',
      },
    ];
    const [id] = (await post(notification(group, both))).body.opened as string[];
    // web-2 resolves and leaves: the group's earliest start changes (it used to open a new incident).
    const left = await post(
      notification(group, [both[0] as Alert, { ...(both[1] as Alert), status: 'resolved' }]),
    );
    expect(left.body).toMatchObject({ opened: [], existing: [id] });
    expect((await h.store.load(id as string))?.alerts?.firing).toEqual([
      'PythonGCUncollectableObjects:web:web-1',
    ]);
    // It fires again, a new episode with a new start.
    const back = await post(
      notification(group, [both[0] as Alert, { ...(both[1] as Alert), startsAt: '2026-11-23T10:03:00Z' }]),
    );
    expect(back.body).toMatchObject({ opened: [], existing: [id] });
    // Grouped by instance instead: every instance's group joins the same incident.
    for (const instance of ['web-3', 'web-4']) {
      const r = await post(
        notification(`{}:{alertname="PythonGCUncollectableObjects", instance="${instance}"}`, [
          { name: 'PythonGCUncollectableObjects', job: 'web', instance },
        ]),
      );
      expect(r.body).toMatchObject({ opened: [], existing: [id] });
    }
    expect(await incidentsOf('web')).toHaveLength(1);
    expect((await h.store.load(id as string))?.alerts?.firing).toHaveLength(4);
  });

  it('a resolved alert opens nothing', async () => {
    const r = await post(
      notification('{}:{alertname="PythonGCUncollectableObjects", job="batch"}', [
        { name: 'PythonGCUncollectableObjects', job: 'batch', instance: 'b-1', status: 'resolved' },
      ]),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ opened: [], existing: [], resolved: [] });
    expect(await incidentsOf('batch')).toHaveLength(0);
  });

  it('firing again within the relapse window re-opens the incident; after it, a new one opens', async () => {
    const group = '{}:{alertname="PythonGCUncollectableObjects", job="cart"}';
    const alert = { name: 'PythonGCUncollectableObjects', job: 'cart', instance: 'cart-1' };
    const [id] = (await post(notification(group, [alert]))).body.opened as string[];
    await h.server.services.service.execute(id as string, {
      type: 'set-status',
      status: 'resolved',
      actor: 'U0ALICE001',
    });
    clock.advance(20 * 60_000);
    const again = await post(notification(group, [{ ...alert, startsAt: '2026-11-23T10:19:00Z' }]));
    expect(again.body).toMatchObject({ opened: [], relapsed: [id] });
    const relapsed = await h.store.load(id as string);
    expect(relapsed?.status).toBe('open');
    const reason = (await h.store.timeline(id as string)).find(
      (e) => e.type === 'status.changed' && e.data.after === 'open',
    )?.data.reason;
    expect(String(reason)).toMatch(
      /^relapse: PythonGCUncollectableObjects .* fired again 20 min after resolution$/,
    );
    expect(await incidentsOf('cart')).toHaveLength(1);
    // Resolved again, and quiet for longer than the window: the next firing is a new incident.
    await h.server.services.service.execute(id as string, {
      type: 'set-status',
      status: 'resolved',
      actor: 'U0ALICE001',
    });
    clock.advance(31 * 60_000);
    const later = await post(notification(group, [{ ...alert, startsAt: '2026-11-23T10:51:00Z' }]));
    expect(later.body.opened).toHaveLength(1);
    expect(later.body.opened?.[0]).not.toBe(id);
    expect(await incidentsOf('cart')).toHaveLength(2);
  });
});
