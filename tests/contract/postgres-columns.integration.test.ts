/**
 * PostgreSQL: a command that moves only version and updatedAt leaves the JSONB snapshot as it
 * was (its TOAST value is not rewritten), also when a read came between two commands (a card
 * rendered from `service.get`): the read hands back the object the service already knows at
 * that version, so the next write is still seen to move only those two fields.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { IncidentService } from '../../src/core/incident/service.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';
import { PG_URL, postgresFactory, postgresReachable } from '../helpers/stores.js';

const unreachable = await postgresReachable();
if (unreachable) console.log(unreachable);

describe.skipIf(unreachable !== undefined)('PostgreSQL columns-only writes', () => {
  it('keep the JSONB of the opened incident through notes with reads between them', async () => {
    const { store, schema, cleanup } = await postgresFactory.create();
    const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      const clock = new FakeClock();
      const service = new IncidentService(store, clock);
      const { incident } = await service.open({
        runbook: shippedRunbook('gc-full-collection-latency'),
        runbookVersion: 'v',
        service: 'checkout',
        inputs: { job: 'checkout' },
        commander: 'U0COMMAND',
      });
      for (const text of ['first', 'second', 'third']) {
        clock.advance(1_000);
        await service.execute(incident.id, { type: 'add-note', text, actor: 'U0NOTE' });
        await service.get(incident.id);
      }
      const { rows } = await client.query<{ version: number; json_version: number }>(
        "SELECT version, (snapshot->>'version')::int AS json_version FROM incidents WHERE id = $1",
        [incident.id],
      );
      expect(rows[0]).toEqual({ version: 4, json_version: 1 });
      // Every reader still sees the row's version and time.
      const read = await store.load(incident.id);
      expect(read?.version).toBe(4);
      expect(read?.updatedAt).toBe(clock.now().toISOString());
    } finally {
      await client.end();
      await cleanup();
    }
  });
});
