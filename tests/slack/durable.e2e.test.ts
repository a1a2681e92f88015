/**
 * Acknowledged work survives the process that acknowledged it: a Slack request
 * is recorded before its ack and replayed by the next process if the first was
 * killed before finishing it; steps running in a killed process are failed as
 * interrupted instead of staying "running" for ever.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { requestKey } from '../../src/slack/durable-requests.js';
import { STEPS_LEASE } from '../../src/slack/flow/leases.js';
import { ACTION } from '../../src/slack/ids.js';
import { startApp } from '../helpers/app-process.js';
import { type FakePrometheus, startFakePrometheus } from '../helpers/fake-prometheus.js';
import { FakeSlackApi } from '../helpers/slack-api.js';
import { ALICE, CHANNEL, SlackHarness, until } from '../helpers/slack-app.js';
import { blockActionPayload, payloadBody, sendSigned, slashBody } from '../helpers/slack-requests.js';

const START = 'start gc-thrash-allocation-churn job=checkout';
let harness: SlackHarness | undefined;
let api: FakeSlackApi | undefined;
let prometheus: FakePrometheus | undefined;
afterEach(async () => {
  api?.unstall();
  await harness?.stop();
  await api?.stop();
  await prometheus?.stop();
  harness = undefined;
  api = undefined;
  prometheus = undefined;
});

/**
 * Kept until the process exits: on Node 24, a better-sqlite3 database or statement finalised by the garbage
 * collector late in a worker's life crashes it (see RETAINED in src/adapters/store/sqlite-store.ts).
 */
const retained: unknown[] = [];

/**
 * A real app process acks `/gc-incident start` and is SIGKILLed while it posts the card: while
 * the post hangs before reaching Slack, or after Slack stored it but before the answer came.
 */
async function killedPostingTheCard(
  when: 'before Slack has it' | 'after Slack took it',
): Promise<{ api: FakeSlackApi; dbPath: string; sent: { status: number; triggerId: string } }> {
  const fake = await new FakeSlackApi().start();
  api = fake;
  fake.channels.set(CHANNEL, true);
  const first = await SlackHarness.start({ api: fake });
  const dbPath = first.dbPath;
  const env = { ...first.env };
  await first.stop();
  const child = await startApp({ ...env, LOG_LEVEL: 'silent' }, { leaseMs: 1000 });
  if (when === 'before Slack has it') fake.stall('chat.postMessage');
  else fake.stallAnswer('chat.postMessage');
  const sent = await sendStart(child.port, fake);
  expect(sent.status).toBe(200);
  await until(() => fake.stalledCalls === 1, 10_000, `the card post to stall ${when}`);
  child.child.kill('SIGKILL');
  await child.exited;
  await new Promise((r) => setTimeout(r, 200));
  fake.unstall();
  return { api: fake, dbPath, sent };
}

/** The incident once its card is recorded (by the process now running as `harness`). */
function cardRecorded(what: string) {
  return until(
    async () => {
      const [i] = (await harness?.store.list({ limit: 5 })) ?? [];
      return i?.card ? i : undefined;
    },
    15_000,
    what,
  );
}

function heldRows(dbPath: string): { key: string; kind: string; body: string }[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    const select = db.prepare('SELECT key, kind, body FROM leased_work');
    retained.push(db, select);
    return select.all() as never;
  } finally {
    db.close();
  }
}

function sendStart(port: number, fake: FakeSlackApi) {
  const triggerId = fake.trigger();
  return sendSigned(
    port,
    slashBody({ text: START, userId: ALICE, channelId: CHANNEL, triggerId, responseUrl: fake.responseUrl() }),
  ).then((r) => ({ ...r, triggerId }));
}

describe('requestKey', () => {
  it('keys slash commands and interactions by trigger_id, and skips bodies without one', () => {
    expect(requestKey({ command: '/gc-incident', trigger_id: '1.abc' })).toBe('slack:command:1.abc');
    expect(requestKey({ type: 'block_actions', trigger_id: '2.def' })).toBe('slack:block_actions:2.def');
    expect(requestKey({ type: 'view_closed' })).toBeUndefined();
    expect(requestKey({ trigger_id: '' })).toBeUndefined();
  });
});

describe('a request recorded before its ack', () => {
  it('is held while its listener works, without the verification token, and forgotten when it finishes', async () => {
    harness = await SlackHarness.start();
    harness.api.stall('chat.postMessage');
    const sent = await sendStart(harness.port, harness.api);
    expect(sent.status).toBe(200);
    // The ack is out and the listener waits on Slack: the request is on disk.
    await until(() => harness?.api.stalledCalls === 1, 5000, 'the card post to stall');
    // The request, and the card its listener is posting (one poster per incident).
    const rows = heldRows(harness.dbPath);
    expect(rows.map((r) => r.kind).sort()).toEqual(['card', 'slack']);
    const request = rows.find((r) => r.kind === 'slack');
    expect(request?.key).toBe(`slack:command:${sent.triggerId}`);
    expect(request?.body).toContain('gc-thrash-allocation-churn');
    expect(request?.body).not.toContain('legacy-verification-token');
    harness.api.unstall();
    await harness.settle();
    expect(heldRows(harness.dbPath)).toEqual([]);
    expect((await harness.latestIncident()).card).toBeDefined();
  });

  it('is replayed by the next process when the one that acked it is killed, and opens one incident', async () => {
    // The first process acks the command, then hangs posting the card, and is killed.
    const { api, dbPath, sent } = await killedPostingTheCard('before Slack has it');
    // Slack never saw that post: the stalled call is dropped with its dead client.
    expect(api.messages.filter((m) => m.text.startsWith('GC-'))).toEqual([]);
    expect(heldRows(dbPath).map((r) => r.key)).toContain(`slack:command:${sent.triggerId}`);

    harness = await SlackHarness.start({ api, dbPath, leaseMs: 1000 });
    const incident = await cardRecorded('the replayed command to post its card');
    await harness.settle();
    expect(await harness.store.list({ limit: 5 })).toHaveLength(1);
    expect(api.messages.filter((m) => !m.threadTs && m.text.startsWith(incident.id))).toHaveLength(1);
    expect(heldRows(dbPath)).toEqual([]);
    expect(harness.logs.join('')).toContain('taking over work a stopped process left unfinished');
  });

  it('does not post the card again when Slack took it but the killed process never recorded it', async () => {
    const { api, dbPath } = await killedPostingTheCard('after Slack took it');
    // Slack has the card; the database does not know it.
    const cards = () => api.messages.filter((m) => !m.threadTs && m.text.startsWith('GC-'));
    expect(cards()).toHaveLength(1);
    expect(cards()[0]?.metadata).toMatchObject({ event_type: 'gc_incident_post' });

    harness = await SlackHarness.start({ api, dbPath, leaseMs: 1000 });
    const incident = await cardRecorded('the replayed command to record its card');
    await harness.settle();
    // The replay found the card in the channel's history and recorded it instead of posting again.
    expect(cards()).toHaveLength(1);
    expect(incident.card?.ts).toBe(cards()[0]?.ts);
    const searches = api.callsOf('conversations.history');
    expect(searches.length).toBeGreaterThanOrEqual(1);
    expect(searches.every((c) => c.ok)).toBe(true);
    expect(heldRows(dbPath)).toEqual([]);
  });
});

describe('steps running when their process dies', () => {
  it('are held under a lease while they run, and released when they finish', async () => {
    // A datasource that answers (with no series), so the query runs and posts its output in the
    // thread. Without one the query fails as the outage detection already recorded, and an outage
    // is said once, when first seen: the click would post nothing to stall on.
    prometheus = await startFakePrometheus(() => ({ vector: [] }));
    harness = await SlackHarness.start({ env: { PROMETHEUS_URL: prometheus.url } });
    const opened = await harness.slash(START);
    expect(opened.status).toBe(200);
    const incident = await harness.latestIncident();
    const query = incident.steps.find((s) => s.kind === 'query');
    harness.api.stall('chat.postMessage');
    await sendSigned(
      harness.port,
      payloadBody(
        blockActionPayload({
          actionId: ACTION.run,
          value: `${incident.id}|${query?.id}`,
          userId: ALICE,
          channelId: CHANNEL,
          // The card the button is on (a click on another message is refused: access.ts).
          messageTs: incident.card?.ts ?? '1.000001',
          triggerId: harness.api.trigger(),
          responseUrl: harness.api.responseUrl(),
        }),
      ),
    );
    await until(() => harness?.api.stalledCalls === 1, 5000, 'the step output to stall');
    expect(heldRows(harness.dbPath).map((r) => r.kind)).toContain(STEPS_LEASE);
    harness.api.unstall();
    await harness.settle();
    expect(heldRows(harness.dbPath)).toEqual([]);
  });

  it('are failed as interrupted by the process that takes their lease over, with a word in the thread', async () => {
    harness = await SlackHarness.start({ leaseMs: 1000 });
    await harness.slash(START);
    const incident = await harness.latestIncident();
    const query = incident.steps.find((s) => s.kind === 'query' && s.status === 'pending');
    expect(query).toBeDefined();
    // As a killed process leaves it: the step marked running, its lease held by nobody alive.
    const longAgo = new Date(Date.now() - 60_000);
    await harness.store.hold(
      {
        key: 'steps:dead:1',
        kind: STEPS_LEASE,
        body: JSON.stringify({ incidentId: incident.id, stepIds: [query?.id] }),
      },
      'dead-host:1',
      longAgo,
      1000,
    );
    await harness.server.services.service.execute(incident.id, {
      type: 'start-step',
      stepId: query?.id as string,
      actor: ALICE,
    });
    expect(await harness.server.leases.sweep()).toBe(1);
    await harness.settle();
    const after = await harness.store.load(incident.id);
    const step = after?.steps.find((s) => s.id === query?.id);
    expect(step?.status).toBe('failed');
    expect(step?.reason).toContain('interrupted');
    expect((await harness.thread(incident.id)).map((m) => m.text).join('\n')).toContain('interrupted');
    // Failed, it can be run again.
    const again = await harness.click(ACTION.run, `${incident.id}|${query?.id}`);
    expect(again.status).toBe(200);
    expect(await harness.store.heldWork()).toBe(0);
  });
});
