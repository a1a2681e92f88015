/**
 * Alertmanager bodies at the limits (issue #15, items 9 and 13): the media type is parsed,
 * not matched as a substring; a group of 10,000 alerts (over 1 MiB) is accepted and folded
 * into its incident, which says so; a group naming more services than one notification may
 * open tells Slack which did not open; a body over the bound is refused and Slack hears of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY, MAX_INCIDENTS_PER_NOTIFICATION } from '../../src/slack/alertmanager-route.js';
import { REPO } from '../helpers/runbooks.js';
import { SlackHarness } from '../helpers/slack-app.js';

const TOKEN = 'alertmanager-limits-secret-0001';
const ALERTS_CHANNEL = '#alerts';
const RUNBOOK_CHANNEL = '#python-platform';
const firing = JSON.parse(
  readFileSync(join(REPO, 'tests/fixtures/alertmanager/alertmanager-webhook-sample.jsonl'), 'utf8').split(
    '\n',
  )[0] as string,
).body as { alerts: { labels: Record<string, string>; fingerprint: string }[] } & Record<string, unknown>;

/** A group of `count` thrash alerts; `jobs` distinct job labels among them. */
function group(name: string, count: number, jobs: number) {
  const [a] = firing.alerts as [{ labels: Record<string, string>; fingerprint: string }];
  return {
    ...firing,
    groupKey: `{}:{alertname="PythonGCThrash", service="${name}"}`,
    alerts: Array.from({ length: count }, (_, i) => ({
      ...a,
      labels: {
        ...a.labels,
        runbook_id: 'gc-thrash-allocation-churn',
        service: name,
        job: `${name}-${i % jobs}`,
        instance: `10.0.${Math.floor(i / 250)}.${i % 250}:8000`,
      },
      fingerprint: `${name}-${i.toString(16).padStart(8, '0')}`,
    })),
  };
}

let h: SlackHarness;
beforeAll(async () => {
  // Fleet incidents off: these are the limits of one notification when every service opens its own.
  h = await SlackHarness.start({
    env: { ALERTMANAGER_TOKEN: TOKEN, ALERTMANAGER_CHANNEL: ALERTS_CHANNEL, ALERT_FLEET: 'off' },
  });
  h.api.channels.set(ALERTS_CHANNEL, true);
  h.api.channels.set(RUNBOOK_CHANNEL, true);
}, 30_000);
afterAll(async () => h?.stop());

async function post(body: string | Buffer, contentType = 'application/json') {
  const response = await request(`http://127.0.0.1:${h.port}/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
    body,
  });
  const text = await response.body.text();
  await h.settle();
  return { status: response.statusCode, body: JSON.parse(text) as Record<string, unknown> };
}

describe('Alertmanager intake at its limits', () => {
  it('parses the Content-Type media type instead of matching a substring', async () => {
    const body = JSON.stringify(group('mime', 1, 1));
    expect((await post(body, 'text/plain; x=application/json')).status).toBe(415);
    expect((await post(body, 'application/jsonx')).status).toBe(415);
    expect((await post(body, 'text/plain, application/json')).status).toBe(415);
    expect((await post(body, 'Application/JSON; charset=utf-8')).status).toBe(200);
  });

  it('accepts a group of 10,000 alerts (over 1 MiB) and says which alerts were folded into the incident', async () => {
    const body = JSON.stringify(group('big', 10_000, 1));
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
    const answer = await post(body);
    expect(answer.status).toBe(200);
    const [id] = answer.body.opened as [string];
    const folded = (answer.body.folded as Record<string, string[]>)[id];
    expect(folded).toHaveLength(10_000);
    expect(folded?.[9_999]).toBe('big-0000270f');
    // The card and the folded list follow the answer, at the channel's posting pace.
    await h.flow.idle();
    const card = (await h.store.load(id))?.card;
    const note = h.api.messages.find((m) => m.threadTs === card?.ts && m.text.includes('folded'));
    expect(note?.text).toBe('10000 alerts folded into this incident');
    expect(JSON.stringify(note?.blocks)).toContain('and 9980 more');
  }, 60_000);

  it(`opens at most ${MAX_INCIDENTS_PER_NOTIFICATION} incidents per notification and names the services that did not open`, async () => {
    const jobs = MAX_INCIDENTS_PER_NOTIFICATION + 3;
    const before = h.api.messages.length;
    const answer = await post(JSON.stringify(group('wide', jobs, jobs)));
    expect(answer.status).toBe(200);
    expect(answer.body.opened).toHaveLength(MAX_INCIDENTS_PER_NOTIFICATION);
    expect((answer.body.notOpened as string[]).sort()).toEqual(['job=wide-20', 'job=wide-21', 'job=wide-22']);
    const notices = h.api.messages
      .slice(before)
      .filter((m) => !m.threadTs && m.text.includes('could not open an incident'));
    expect(notices).toHaveLength(1);
    for (const job of answer.body.notOpened as string[])
      expect(JSON.stringify(notices[0]?.blocks)).toContain(job);
    // Alertmanager repeats the notification: nothing new opens and nothing is posted again.
    const count = h.api.messages.length;
    const again = await post(JSON.stringify(group('wide', jobs, jobs)));
    expect(again.body.opened).toEqual([]);
    expect(h.api.messages.filter((m) => !m.threadTs).length).toBe(
      h.api.messages.slice(0, count).filter((m) => !m.threadTs).length,
    );
  }, 120_000);

  it('refuses a body over the bound with 413 and tells ALERTMANAGER_CHANNEL once', async () => {
    const before = h.api.messages.filter((m) => m.channel === ALERTS_CHANNEL).length;
    const huge = Buffer.alloc(MAX_BODY + 1, 0x20);
    expect((await post(huge)).status).toBe(413);
    expect((await post(huge)).status).toBe(413);
    const notices = h.api.messages.filter((m) => m.channel === ALERTS_CHANNEL).slice(before);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('refused');
  }, 60_000);
});
