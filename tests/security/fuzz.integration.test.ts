/**
 * Fuzzing the real server process: random signed Slack requests (slash
 * commands, every interaction type with random shapes, random JSON values as
 * `payload`) and random Alertmanager bodies, for a bounded time. The process
 * must stay up and answer every request with a 2xx or 4xx. Short in `npm test`
 * (FUZZ_MS, default 4 s); `npm run bench:fuzz` runs it for a minute. The seed
 * is printed, and FUZZ_SEED replays a run.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../helpers/random-workloads.js';
import { ALERTMANAGER_TOKEN, type RealApp, startRealApp } from '../helpers/real-app.js';
import { blockActionPayload, payloadBody, sendSigned, slashBody } from '../helpers/slack-requests.js';

const DURATION_MS = Number(process.env.FUZZ_MS ?? 4000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const NASTY = [
  '',
  '<!channel>',
  '<https://evil.example|x>',
  '\u202Eevil',
  '..',
  '../../etc/passwd',
  '(a+)+$',
  'a'.repeat(300),
  '"',
  "'",
  '\\',
  '{{job}}',
  '%00',
  '\u0000',
  'GC-2026-0001',
  'GC-2026-0001|young-collection-rate',
  '💥',
];

function randomString(): string {
  if (random() < 0.5) return pick(NASTY);
  const length = Math.floor(random() * 40);
  return Array.from({ length }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join('');
}

function randomJson(depth = 0): unknown {
  const kind = Math.floor(random() * (depth > 2 ? 5 : 7));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return Math.floor(random() * 1e6) - 5e5;
    case 3:
    case 4:
      return randomString();
    case 5:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(random() * 5); i++)
        out[pick(['type', 'actions', 'user', 'view', 'channel', 'team', 'container', randomString()])] =
          randomJson(depth + 1);
      return out;
    }
  }
}

function randomSlackBody(app: RealApp): string {
  const shape = Math.floor(random() * 6);
  if (shape === 0)
    return slashBody({
      text:
        pick(['start', 'status', 'list', 'simulate', 'followup add', 'close', 'export', randomString()]) +
        ` ${randomString()} ${randomString()}`,
      userId: 'U0FUZZ0001',
      channelId: 'C0INCIDENT1',
      triggerId: app.api.trigger(),
      responseUrl: app.api.responseUrl(),
    });
  if (shape === 1)
    return payloadBody(
      blockActionPayload({
        actionId: pick([
          'step.run',
          'step.done',
          'incident.close',
          'followup.done',
          'start.runbook',
          randomString(),
        ]),
        value: randomString(),
        userId: 'U0FUZZ0001',
        channelId: 'C0INCIDENT1',
        messageTs: '1.000001',
        triggerId: app.api.trigger(),
        responseUrl: app.api.responseUrl(),
      }),
    );
  if (shape === 2)
    return payloadBody({
      type: pick([
        'view_submission',
        'view_closed',
        'message_action',
        'shortcut',
        'block_suggestion',
        randomString(),
      ]),
      user: random() < 0.8 ? { id: 'U0FUZZ0001', name: 'fuzz' } : randomJson(),
      view: randomJson(),
      callback_id: pick(['gc_incident_from_message', 'gc-incident.start', randomString()]),
      trigger_id: app.api.trigger(),
      team: { id: 'T00000001' },
    });
  if (shape === 3) return new URLSearchParams({ payload: JSON.stringify(randomJson()) }).toString();
  if (shape === 4) return new URLSearchParams({ payload: randomString() }).toString();
  return randomString();
}

async function sendAlertmanager(port: number): Promise<number> {
  const body =
    random() < 0.5
      ? JSON.stringify({
          version: '4',
          status: pick(['firing', 'resolved', randomString()]),
          receiver: 'gc-incident',
          groupKey: randomString(),
          alerts: Array.from({ length: Math.floor(random() * 4) }, () => ({
            status: pick(['firing', 'resolved']),
            labels: {
              alertname: pick(['GcThrash', randomString()]),
              job: randomString(),
              runbook: randomString(),
            },
            annotations: randomJson(),
            startsAt: pick(['2026-01-01T00:00:00Z', randomString()]),
          })),
        })
      : JSON.stringify(randomJson());
  const response = await request(`http://127.0.0.1:${port}/alertmanager`, {
    method: 'POST',
    headers: {
      'content-type': pick(['application/json', 'text/plain', 'application/json; charset=utf-8']),
      authorization:
        random() < 0.85 ? `Bearer ${ALERTMANAGER_TOKEN}` : `Bearer wrong-${Math.floor(random() * 1e9)}`,
    },
    body,
  });
  await response.body.dump();
  return response.statusCode;
}

let app: RealApp;
beforeAll(async () => {
  app = await startRealApp();
});
afterAll(async () => {
  await app?.stop();
});

describe('fuzzing the real server', () => {
  it(`stays up and answers every request 2xx/4xx (seed ${SEED}, ${DURATION_MS} ms)`, {
    timeout: DURATION_MS + 120_000,
  }, async () => {
    console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it), for ${DURATION_MS} ms`);
    const deadline = Date.now() + DURATION_MS;
    const statuses = new Map<number, number>();
    let sent = 0;
    const failures: string[] = [];
    // A few requests in flight at once, as Slack and Alertmanager would send them.
    const sender = async () => {
      while (Date.now() < deadline) {
        const slack = random() < 0.75;
        const body = slack ? randomSlackBody(app) : '';
        const status = slack ? (await sendSigned(app.port, body)).status : await sendAlertmanager(app.port);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        sent++;
        if (status < 200 || status >= 500)
          failures.push(
            `request ${sent}: HTTP ${status} ${slack ? `slack ${body.slice(0, 300)}` : 'alertmanager'}`,
          );
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);
    expect(failures, `seed ${SEED}`).toEqual([]);
    console.log(`fuzz: ${sent} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(sent).toBeGreaterThan(0);
    expect(await app.alive(10_000)).toBe(true);
    expect(app.exitCode()).toBeUndefined();
    expect(app.logs.filter((l) => /uncaught exception|unhandled rejection/.test(l))).toEqual([]);
  });
});
