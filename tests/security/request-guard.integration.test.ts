/**
 * Defect 1 of #15: one signed request must never take the server down.
 * `payload=null` once crashed `serve` (Bolt read `body.ssl_check` on null).
 * Every JSON type as `payload`, and other malformed signed bodies, must get
 * a 400 while the same process keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealApp, startRealApp } from '../helpers/real-app.js';
import { sendSigned } from '../helpers/slack-requests.js';

let app: RealApp;
beforeAll(async () => {
  app = await startRealApp();
});
afterAll(async () => {
  await app?.stop();
});

const JSON_TYPES = ['null', 'true', 'false', '0', '-1.5', '"text"', '[]', '[{"type":"block_actions"}]', '{}'];

describe('the request guard before Bolt', () => {
  it.each(JSON_TYPES)('answers 400 to a signed payload=%s and keeps serving', async (json) => {
    const body = new URLSearchParams({ payload: json }).toString();
    const sent = await sendSigned(app.port, body);
    expect(sent.status).toBe(400);
    expect(await app.alive()).toBe(true);
  });

  it.each([
    ['payload that is not JSON', 'payload=%7Bnot-json'],
    ['JSON body that is null', 'null'],
    ['payload with a non-string type', `payload=${encodeURIComponent('{"type":{"a":1}}')}`],
    [
      'message_action whose user is null (found by the fuzz test)',
      `payload=${encodeURIComponent('{"type":"message_action","user":null,"callback_id":"gc_incident_from_message","team":{"id":"T1"}}')}`,
    ],
  ])('answers 400 to a signed %s and keeps serving', async (_what, body) => {
    const sent = await sendSigned(app.port, body, body === 'null' ? { contentType: 'application/json' } : {});
    expect(sent.status).toBe(400);
    expect(await app.alive()).toBe(true);
  });

  it('still serves a well-formed signed request after all of them', async () => {
    const body = new URLSearchParams({ ssl_check: '1', token: 'x' }).toString();
    const sent = await sendSigned(app.port, body);
    expect(sent.status).toBe(200);
    expect(app.exitCode()).toBeUndefined();
  });
});
