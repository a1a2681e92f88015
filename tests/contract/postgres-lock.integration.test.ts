/**
 * PostgreSQL's locked command (IncidentStore.commandLocked) holds the incident's row: another
 * replica's optimistic append started meanwhile waits for it, then finds the version moved and
 * decides again. The contract suite cannot show this on SQLite, whose second connection would
 * block the thread it shares with the first.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/adapters/store/postgres-store.js';
import { apply, fold } from '../../src/core/incident/apply.js';
import type { TimelineEvent } from '../../src/core/incident/model.js';
import { IncidentService } from '../../src/core/incident/service.js';
import type { IncidentStore } from '../../src/core/ports.js';
import { FakeClock, openTestIncident } from '../helpers/engine.js';
import { postgresFactory, postgresReachable } from '../helpers/stores.js';

const unreachable = await postgresReachable();
if (unreachable) console.log(unreachable);

describe.skipIf(unreachable !== undefined)('PostgreSQL locked command', () => {
  it("holds the incident's row: another replica's append waits, then loses and decides again", async () => {
    const { store, url, schema, cleanup } = await postgresFactory.create();
    const replica = new PostgresStore({ connectionString: url, schema, max: 2 });
    try {
      const { incident } = await openTestIncident(store, 'gc-full-collection-latency', 'j');
      // The other replica's appends, and what each returned.
      const appended: boolean[] = [];
      const counting = new Proxy(replica, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver);
          if (name !== 'append' || typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            const ok = (await (value as (...a: unknown[]) => Promise<boolean>).apply(
              target,
              args,
            )) as boolean;
            appended.push(ok);
            return ok;
          };
        },
      }) as IncidentStore;
      const other = new IncidentService(counting, new FakeClock());
      // A connection already open, so its query leaves at once (before this transaction's append).
      const probe = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await probe.connect();
      let probed: Promise<string> | undefined;
      let theirs: Promise<unknown> | undefined;
      await store.commandLocked(incident.id, 'locked-note', (read) => {
        const at = read.incident;
        if (!at) throw new Error('no incident');
        // A simple query (no parameters) is written to the socket before query() returns; the
        // decision then holds this process for 200 ms, so the server answers it while this
        // transaction has locked the row (or not) and has not yet sent its append.
        probed = probe.query(`SELECT id FROM incidents WHERE id = '${incident.id}' FOR UPDATE NOWAIT`).then(
          () => 'not locked',
          (error: { code?: string }) => String(error.code),
        );
        const until = performance.now() + 200;
        while (performance.now() < until) {
          // busy: decide is synchronous
        }
        // Started while this transaction holds the row, from the same state.
        theirs = other.execute(incident.id, { type: 'add-note', text: 'theirs', actor: 'U2' }, at);
        const event: TimelineEvent = {
          seq: at.version + 1,
          incidentId: incident.id,
          at: at.updatedAt,
          actor: 'U1',
          type: 'note.added',
          data: { text: 'locked' },
        };
        return { events: [event], snapshot: apply(at, event) };
      });
      // The row was locked when the probe asked (55P03: lock not available).
      expect(await probed).toBe('55P03');
      await probe.end();
      await theirs;
      expect(appended[0]).toBe(false);
      expect(appended.at(-1)).toBe(true);
      const timeline = await store.timeline(incident.id);
      expect(timeline.slice(-2).map((e) => e.data.text)).toEqual(['locked', 'theirs']);
      expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));
      expect(fold(timeline)).toEqual(await store.load(incident.id));
      expect((await store.findIdempotent('locked-note'))?.seqs).toEqual([incident.version + 1]);
    } finally {
      await replica.close();
      await cleanup();
    }
  });
});
