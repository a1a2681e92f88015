/**
 * Finding 12 (low): the unauthenticated `/healthz` showed the store's
 * `host:port` in its error, and Events API bodies with `event: null` got a
 * 500 and error-level logs. Replayed: a store whose ping fails with its
 * address gives "store unavailable" without it; signed event bodies whose
 * event is null, a string or has no type get a 400 before Bolt, nothing is
 * logged at error level, and the app keeps serving.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GcIncidentError } from '../../src/core/errors.js';
import type { IncidentStore } from '../../src/core/ports.js';
import { health } from '../../src/slack/health.js';
import { SlackHarness } from '../helpers/slack-app.js';
import { sendSigned, TEAM } from '../helpers/slack-requests.js';

/** What health() writes, captured as a response would carry it. */
function captured() {
  const out = { status: 0, body: '' };
  const res = {
    writeHead(status: number) {
      out.status = status;
      return res;
    },
    end(body: string) {
      out.body = body;
    },
  };
  return { out, res: res as unknown as ServerResponse };
}

describe('/healthz during a store outage', () => {
  it('says "store unavailable", not where the store is', async () => {
    const store = {
      ping: async () => {
        throw new GcIncidentError(
          'STORE_UNAVAILABLE',
          'PostgreSQL query failed: connect ECONNREFUSED 10.1.2.3:5432',
        );
      },
    } as unknown as IncidentStore;
    const { out, res } = captured();
    await health(res, store, undefined, { now: () => new Date() });
    expect(out.status).toBe(503);
    expect(JSON.parse(out.body)).toEqual({
      status: 'down',
      checks: { store: { ok: false, error: 'store unavailable (STORE_UNAVAILABLE)' } },
    });
    expect(out.body).not.toMatch(/10\.1\.2\.3|5432|ECONNREFUSED/);
  });
});

describe('malformed Events API bodies', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await SlackHarness.start();
  }, 30_000);
  afterAll(async () => {
    await h?.stop();
  });

  it.each([
    ['null', null],
    ['a string', 'reaction_added'],
    ['an object without a type', { user: 'U1' }],
  ])(
    'answers 400 to a signed event_callback whose event is %s, logs no error, keeps serving',
    async (_what, event) => {
      const logged = h.logs.length;
      const body = JSON.stringify({
        token: 'x',
        team_id: TEAM.id,
        type: 'event_callback',
        event,
        event_id: 'Ev1',
      });
      const sent = await sendSigned(h.port, body, { contentType: 'application/json' });
      expect(sent.status).toBe(400);
      const errors = h.logs.slice(logged).filter((l) => /"level":(50|60)/.test(l));
      expect(errors).toEqual([]);
      const alive = await fetch(`http://127.0.0.1:${h.port}/healthz`);
      expect(alive.status).toBe(200);
    },
  );
});
