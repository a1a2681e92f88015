/**
 * Exactly-once reminders across replicas, on PostgreSQL: three processes tick
 * against the same database and deliver 500 reminders to the fake Slack Web
 * API (each exactly once); a process killed with SIGKILL after claiming, or
 * after posting and recording, leaves its reminders to the next process,
 * which delivers them without posting twice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { createAppMetrics } from '../../src/adapters/observability/app-metrics.js';
import { createLogger } from '../../src/adapters/observability/logger.js';
import { PostgresStore } from '../../src/adapters/store/postgres-store.js';
import { reminderId } from '../../src/core/followups/plan.js';
import { IncidentService } from '../../src/core/incident/service.js';
import { WebSlackGateway } from '../../src/slack/gateway.js';
import { shippedRunbook } from '../helpers/engine.js';
import { REPO } from '../helpers/runbooks.js';
import { FakeSlackApi } from '../helpers/slack-api.js';
import { dropSchema, freshSchema, PG_URL, postgresReachable } from '../helpers/stores.js';
import { helperEntry } from '../tiers/bundles.js';

const unreachable = await postgresReachable();
if (unreachable) console.log(unreachable);

const CHANNEL = 'C0INCIDENT1';

describe.skipIf(unreachable !== undefined)('reminders across replicas (PostgreSQL)', () => {
  let api: FakeSlackApi;
  let store: PostgresStore;
  let schema: string;
  let service: IncidentService;

  beforeAll(async () => {
    api = await new FakeSlackApi().start();
    api.channels.set(CHANNEL, true);
    schema = freshSchema();
    store = new PostgresStore({ connectionString: PG_URL, schema, max: 4 });
    await store.migrate();
    service = new IncidentService(store, { now: () => new Date() });
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
    await api?.stop();
  });

  /** An incident with a card and `n` open follow-ups whose reminders are all due. */
  async function incidentWithDueReminders(n: number) {
    const slack = new WebSlackGateway(
      new WebClient(api.token, { slackApiUrl: api.url }),
      createAppMetrics({ defaultMetrics: false }),
      createLogger({ level: 'silent' }),
      systemClock,
    );
    const { incident } = await service.open({
      runbook: shippedRunbook('gc-thrash-allocation-churn'),
      runbookVersion: 'v',
      service: 's',
      inputs: { job: 'j' },
      commander: 'U0ALICE001',
    });
    const card = await slack.post(CHANNEL, { text: 'card', blocks: [] });
    await service.execute(incident.id, {
      type: 'record-card',
      channel: card.channel,
      ts: card.ts,
      actor: 'system',
    });
    const due = new Date(Date.now() - 60_000);
    for (let i = 0; i < n; i++) {
      const owner = `U${String(i).padStart(8, '0')}`;
      const out = await service.execute(incident.id, {
        type: 'add-followup',
        title: `item ${i}`,
        owner,
        dueAt: due.toISOString(),
        followUpType: 'prevent',
        actor: 'U0ALICE001',
      });
      const item = out.incident.followUps.at(-1);
      await store.scheduleReminder({
        id: reminderId(incident.id, item?.id as string, due),
        incidentId: incident.id,
        itemId: item?.id as string,
        owner,
        dueAt: due,
      });
    }
    return { incidentId: incident.id, threadTs: card.ts };
  }

  function replica(
    leaseMs: number,
    crash?: string,
  ): {
    child: ChildProcess;
    done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
  } {
    const child = spawn(
      process.execPath,
      [
        ...helperEntry(join(REPO, 'tests/helpers/reminder-process.ts')),
        PG_URL,
        schema,
        api.url,
        api.token,
        String(leaseMs),
      ],
      {
        cwd: REPO,
        env: { ...process.env, ...(crash ? { CRASH: crash } : {}) },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
    });
    return {
      child,
      done: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out }))),
    };
  }

  const dmsFor = (incidentId: string) =>
    api.calls.filter(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.ok &&
        String(c.body.channel).startsWith('D') &&
        String(c.body.text).includes(`${incidentId}/`),
    );
  const threadPostsFor = (incidentId: string, threadTs: string) =>
    api.calls.filter(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.ok &&
        c.body.thread_ts === threadTs &&
        String(c.body.text).includes(`${incidentId}/`),
    );

  it('three processes deliver 500 reminders exactly once', async () => {
    const { incidentId, threadTs } = await incidentWithDueReminders(500);
    const replicas = [replica(30_000), replica(30_000), replica(30_000)];
    const results = await Promise.all(replicas.map((r) => r.done));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    const perReplica = results.map(
      (r) => (JSON.parse(r.out.trim().split('\n').at(-1) ?? '{}') as { sent: number }).sent,
    );
    expect(perReplica.reduce((a, b) => a + b, 0)).toBe(500);
    console.log(`reminders per replica: ${perReplica.join(', ')}`);
    const dms = dmsFor(incidentId);
    expect(dms).toHaveLength(500);
    expect(new Set(dms.map((c) => String(c.body.text).match(/\/F\d+/)?.[0])).size).toBe(500);
    expect(threadPostsFor(incidentId, threadTs)).toHaveLength(500);
    expect(await store.pendingReminders(new Date())).toBe(0);
    // Every item is still open and overdue: each has its next reminder, a day later.
    expect(await store.pendingReminders(new Date(Date.now() + 25 * 3600_000))).toBe(500);
  }, 120_000);

  const WHEN = {
    claimed: 'claimed',
    'dm-sent': 'posted a direct message and before it recorded it',
    recorded: 'posted and recorded',
  };
  for (const crash of ['claimed', 'dm-sent', 'recorded'] as const) {
    it(`a process killed after it ${WHEN[crash]} leaves each reminder to be delivered exactly once`, async () => {
      const { incidentId, threadTs } = await incidentWithDueReminders(20);
      const doomed = replica(1500, crash);
      const killed = await doomed.done;
      expect(killed.signal).toBe('SIGKILL');
      expect(dmsFor(incidentId)).toHaveLength(crash === 'claimed' ? 0 : 1);
      const searchesBefore = api.calls.filter((c) => c.method === 'conversations.history').length;
      const survivor = replica(1500);
      expect((await survivor.done).code).toBe(0);
      const dms = dmsFor(incidentId);
      expect(dms).toHaveLength(20);
      expect(new Set(dms.map((c) => String(c.body.text).match(/\/F\d+/)?.[0])).size).toBe(20);
      expect(threadPostsFor(incidentId, threadTs)).toHaveLength(20);
      expect(await store.pendingReminders(new Date())).toBe(0);
      // Only the reminder the dead process had claimed is searched for (its DM channel), once.
      const searches = api.calls.filter((c) => c.method === 'conversations.history').slice(searchesBefore);
      expect(searches.length).toBeGreaterThanOrEqual(1);
      expect(searches.every((c) => c.ok && c.body.include_all_metadata === 'true')).toBe(true);
    }, 120_000);
  }
});
