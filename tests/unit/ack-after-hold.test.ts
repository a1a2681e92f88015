/**
 * A Slack request's record (durableRequests) is committed before its listener runs, and the ack
 * Slack hears waits until that record is on disk (issue 31: the sync overlaps the listener's work
 * instead of preceding it). Real Bolt App, its processEvent as the HTTP receiver calls it.
 */
import { App, type Receiver } from '@slack/bolt';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { WorkLeases } from '../../src/adapters/leases/work-leases.js';
import { acksAfterHolds, durableRequests, type PendingHolds } from '../../src/slack/durable-requests.js';

const receiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };
const body = {
  command: '/gc-incident',
  text: 'list',
  trigger_id: '1.2.abc',
  user_id: 'U1',
  channel_id: 'C1',
  team_id: 'T1',
  token: 'verification',
  response_url: 'http://127.0.0.1:9/response',
};

/** Leases whose hold commits at once (recorded) and reaches the disk when the test says so. */
function slowDisk() {
  const order: string[] = [];
  let onDisk: (held: boolean) => void = () => {};
  const leases = {
    hold: () => {
      order.push('committed');
      return new Promise<boolean>((resolve) => {
        onDisk = (held) => {
          order.push('on disk');
          resolve(held);
        };
      });
    },
    forget: () => order.push('forgotten'),
    abandon: () => order.push('abandoned'),
  } as unknown as WorkLeases;
  return { leases, order, sync: (held = true) => onDisk(held) };
}

async function boltApp(leases: WorkLeases, order: string[], wrapped: boolean) {
  // botId and botUserId given: Bolt then needs no auth.test call (there is no Slack here).
  const app = new App({
    receiver,
    token: 'xoxb-test',
    botId: 'B0TEST',
    botUserId: 'U0BOT',
    tokenVerificationEnabled: false,
    deferInitialization: true,
  });
  await app.init();
  const holds: PendingHolds = new WeakMap();
  if (wrapped) acksAfterHolds(app, holds);
  app.use(durableRequests(leases, pino({ level: 'silent' }), holds));
  app.command('/gc-incident', async ({ ack }) => {
    order.push('listener');
    await ack();
    order.push('listener done');
  });
  return app;
}

/**
 * Hands the slash command to Bolt as its receiver does and lets everything runnable run. The
 * promise comes back in an object: returned bare from an async function it would be waited for.
 */
async function startRequest(app: App, order: string[]): Promise<{ processed: Promise<void> }> {
  const processed = app.processEvent({
    body: { ...body },
    ack: async () => void order.push('acked to Slack'),
  });
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return { processed };
}

describe('the ack waits for the request to be on disk', () => {
  it('the listener runs while the record syncs; Slack is answered only after the sync', async () => {
    const { leases, order, sync } = slowDisk();
    const app = await boltApp(leases, order, true);
    const { processed } = await startRequest(app, order);
    // Committed, the listener has run up to its ack, and nothing has gone to Slack yet.
    expect(order).toEqual(['committed', 'listener']);
    sync();
    await processed;
    expect(order).toEqual([
      'committed',
      'listener',
      'on disk',
      'acked to Slack',
      'listener done',
      'forgotten',
    ]);
  });

  it('without the wrapper the ack would go before the sync (what the wrapper is for)', async () => {
    const { leases, order, sync } = slowDisk();
    const app = await boltApp(leases, order, false);
    const { processed } = await startRequest(app, order);
    expect(order).toEqual(['committed', 'listener', 'acked to Slack', 'listener done']);
    sync();
    await processed;
  });

  it('a store that fails the record still lets the listener answer, and nothing is forgotten', async () => {
    const order: string[] = [];
    const leases = {
      hold: async () => {
        throw new Error('disk full');
      },
      forget: () => order.push('forgotten'),
      abandon: () => order.push('abandoned'),
    } as unknown as WorkLeases;
    const app = await boltApp(leases, order, true);
    await app.processEvent({ body: { ...body }, ack: async () => void order.push('acked to Slack') });
    expect(order).toEqual(['listener', 'acked to Slack', 'listener done']);
  });
});
