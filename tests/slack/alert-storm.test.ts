/**
 * A storm as one fleet incident (docs/alerts-dedup.md): more than 10 causes of one runbook
 * within 5 minutes (the defaults) join one incident whose card lists the services, announced
 * once in the channel; a person can split a service out into its own incident.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/engine.js';
import { SlackHarness } from '../helpers/slack-app.js';

const TOKEN = 'alertmanager-shared-secret-storm';
const CHANNEL = '#python-platform';
const RUNBOOK = 'gc-thrash-allocation-churn';
const clock = new FakeClock(Date.parse('2026-11-23T10:00:00.000Z'));

function notification(job: string, instance = `${job}-1`) {
  return {
    version: '4',
    groupKey: `{}:{alertname="PythonGCThrash", job="${job}"}`,
    status: 'firing',
    receiver: 'gc-incident',
    truncatedAlerts: 0,
    externalURL: 'http://alertmanager.invalid',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'PythonGCThrash', runbook_id: RUNBOOK, job, instance },
        annotations: { summary: `gen0 storm on ${job}` },
        startsAt: '2026-11-23T09:59:00.000Z',
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint: `thrash:${job}:${instance}`,
      },
    ],
  };
}

let h: SlackHarness;
beforeAll(async () => {
  h = await SlackHarness.start({ env: { ALERTMANAGER_TOKEN: TOKEN }, clock });
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

describe('a storm of one runbook', () => {
  it('15 services within the window open one fleet incident listing all 15, announced once', async () => {
    const jobs = Array.from({ length: 15 }, (_, i) => `svc-${String(i + 1).padStart(2, '0')}`);
    for (const job of jobs) {
      expect((await post(notification(job))).status).toBe(200);
      clock.advance(10_000);
    }
    const incidents = (await h.store.list({ limit: 100 })).filter((i) => i.runbookId === RUNBOOK);
    const fleets = incidents.filter((i) => i.fleet);
    expect(fleets).toHaveLength(1);
    const fleet = fleets[0];
    expect(fleet?.cause).toBe(`${RUNBOOK}{fleet}`);
    expect(fleet?.fleet?.members.map((m) => m.service)).toEqual(jobs);
    // The first ten opened before the storm was recognised and keep their own incidents.
    expect(incidents).toHaveLength(11);
    expect(fleet?.fleet?.members.filter((m) => m.incidentId).length).toBe(10);
    // One card each for the ten, one for the fleet, one announcement: not 15 cards.
    const top = h.api.messages.filter((m) => m.channel === CHANNEL && !m.threadTs);
    expect(top.filter((m) => /^GC-\d{4}-\d+/.test(m.text))).toHaveLength(11);
    expect(top.filter((m) => m.text.startsWith('🌊'))).toHaveLength(1);
    const card = h.api.message(CHANNEL, fleet?.card?.ts as string);
    const cardText = JSON.stringify(card?.blocks);
    expect(cardText).toContain('*15 services* (5 in this incident, 10 with their own; since: UTC)');
    for (const job of jobs) expect(cardText).toContain(job);
    // Another alert of a listed service, and a repeat of the storm, change nothing more.
    const again = await post(notification('svc-13'));
    expect(again.body).toMatchObject({ opened: [], existing: [fleet?.id] });
    expect((await h.store.list({ limit: 100 })).filter((i) => i.runbookId === RUNBOOK)).toHaveLength(11);
  });

  it('a person splits a service out of the fleet into its own incident; its alerts go there', async () => {
    const fleet = (await h.store.list({ limit: 100 })).find((i) => i.fleet) as NonNullable<
      Awaited<ReturnType<typeof h.store.load>>
    >;
    const before = h.api.responses.length;
    const sent = await h.slash(`split ${fleet.id} svc-14`);
    expect(sent.status).toBe(200);
    await h.flow.idle();
    expect(JSON.stringify(h.api.responses.slice(before))).toContain('*svc-14* has its own incident');
    const own = (await h.store.list({ limit: 100 })).find((i) => i.cause === `${RUNBOOK}{job="svc-14"}`);
    expect(own).toMatchObject({ inputs: { job: 'svc-14' }, service: 'svc-14' });
    expect(own?.card).toBeDefined();
    const split = { incident: own as NonNullable<typeof own> };
    // A service that is not listed gets a clear answer, and nothing opens.
    await h.slash(`split ${fleet.id} nowhere`);
    expect(JSON.stringify(h.api.responses.at(-1))).toContain("lists no service 'nowhere'");
    const after = await h.store.load(fleet.id);
    expect(after?.fleet?.members.find((m) => m.service === 'svc-14')?.incidentId).toBe(split.incident.id);
    const next = await post(notification('svc-14', 'svc-14-2'));
    expect(next.body).toMatchObject({ opened: [], existing: [split.incident.id] });
  });
});
