/**
 * The IncidentStore contract: every implementation runs these same tests
 * (tests/contract/stores.test.ts runs them for SQLite, stores-postgres.integration.test.ts for PostgreSQL).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, parseDatabaseUrl } from '../../src/adapters/store/open-store.js';
import { fold } from '../../src/core/incident/apply.js';
import type { Incident, TimelineEvent } from '../../src/core/incident/model.js';
import { IncidentService } from '../../src/core/incident/service.js';
import type { IncidentStore } from '../../src/core/ports.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';
import type { StoreFactory } from '../helpers/stores.js';

export function storeContract(factory: StoreFactory): void {
  describe(`${factory.name} store contract`, () => {
    let store: IncidentStore;
    let cleanup: () => Promise<void>;
    let url: string;
    let schema: string | undefined;
    let clock: FakeClock;
    let service: IncidentService;
    const runbook = shippedRunbook('gc-full-collection-latency');
    const open = (key?: string) =>
      service.open({
        runbook,
        runbookVersion: 'sha256:test',
        service: 'checkout',
        inputs: { job: 'checkout' },
        commander: 'U0COMMANDER',
        idempotencyKey: key,
      });

    beforeEach(async () => {
      ({ store, cleanup, url, schema } = await factory.create());
      clock = new FakeClock();
      service = new IncidentService(store, clock);
    });
    afterEach(async () => {
      await cleanup();
    });

    it('migrations can run again on start', async () => {
      await store.migrate();
      await store.migrate();
      await store.ping();
    });

    it('numbers incidents per year, atomically under concurrency', async () => {
      const numbers = await Promise.all(Array.from({ length: 20 }, () => store.nextIncidentNumber(2026)));
      expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await store.nextIncidentNumber(2027)).toBe(1);
    });

    it('opens an incident with a human id, its runbook version and every step pending', async () => {
      const { incident, events } = await open();
      expect(incident.id).toBe('GC-2026-0001');
      expect(incident.runbookVersion).toBe('sha256:test');
      expect(incident.inputs).toEqual({ job: 'checkout' });
      expect(incident.steps.every((s) => s.status === 'pending')).toBe(true);
      expect(events).toHaveLength(1);
      expect(await store.load(incident.id)).toEqual(incident);
      expect((await open()).incident.id).toBe('GC-2026-0002');
    });

    it('appends only at the expected version', async () => {
      const { incident } = await open();
      const event: TimelineEvent = {
        seq: 2,
        incidentId: incident.id,
        at: clock.now().toISOString(),
        actor: 'U1',
        type: 'note.added',
        data: { text: 'x' },
      };
      const next: Incident = { ...incident, version: 2 };
      expect(await store.append(incident.id, 5, [event], next)).toBe(false);
      expect(await store.append(incident.id, 1, [event], next)).toBe(true);
      expect(await store.append(incident.id, 1, [event], next)).toBe(false);
      expect(await store.append(incident.id, 0, [event], next)).toBe(false);
      expect((await store.timeline(incident.id)).map((e) => e.seq)).toEqual([1, 2]);
    });

    it('keeps an append-only timeline whose fold is the stored snapshot', async () => {
      const { incident } = await open();
      const check = incident.steps[0]?.id ?? '';
      await service.execute(incident.id, { type: 'join', actor: 'U0ALICE' });
      await service.execute(incident.id, { type: 'start-step', stepId: check, actor: 'U0ALICE' });
      clock.advance(60_000);
      await service.execute(incident.id, {
        type: 'complete-step',
        stepId: check,
        actor: 'U0ALICE',
        result: { value: 1 },
      });
      const timeline = await store.timeline(incident.id);
      expect(timeline.map((e) => e.type)).toEqual([
        'incident.opened',
        'participant.joined',
        'step.started',
        'step.completed',
      ]);
      expect(timeline[3]).toMatchObject({
        actor: 'U0ALICE',
        at: '2026-11-23T10:01:00.000Z',
        data: { before: 'running', after: 'done' },
      });
      expect(fold(timeline)).toEqual(await store.load(incident.id));
    });

    it('a replayed command changes nothing and returns the original outcome', async () => {
      const { incident } = await open();
      const check = incident.steps[0]?.id ?? '';
      const first = await service.execute(incident.id, {
        type: 'complete-step',
        stepId: check,
        actor: 'U1',
        idempotencyKey: 'k-1',
      });
      const again = await service.execute(incident.id, {
        type: 'complete-step',
        stepId: check,
        actor: 'U1',
        idempotencyKey: 'k-1',
      });
      expect(first.replayed).toBe(false);
      expect(again.replayed).toBe(true);
      expect(again.events).toEqual(first.events);
      expect((await store.timeline(incident.id)).length).toBe(2);
      const reopened = await open('open-1');
      const reopenedAgain = await open('open-1');
      expect(reopenedAgain.incident.id).toBe(reopened.incident.id);
      expect(reopenedAgain.replayed).toBe(true);
    });

    it('two people pressing "done" at the same moment produce exactly one transition', async () => {
      const { incident } = await open();
      const check = incident.steps[0]?.id ?? '';
      const results = await Promise.allSettled(
        ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE'].map((actor) =>
          service.execute(incident.id, { type: 'complete-step', stepId: check, actor }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((x) => x.status === 'rejected')) {
        expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
      }
      const completed = (await store.timeline(incident.id)).filter((e) => e.type === 'step.completed');
      expect(completed).toHaveLength(1);
    });

    it('concurrent commands on one incident in one process take turns: none loses a write race', async () => {
      const { incident } = await open();
      let lost = 0;
      const append: IncidentStore['append'] = async (...args) => {
        const ok = await store.append(...args);
        if (!ok) lost += 1;
        return ok;
      };
      const counting = new Proxy(store, {
        get: (target, name) => {
          if (name === 'append') return append;
          const value: unknown = Reflect.get(target, name);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const mine = new IncidentService(counting, clock);
      // Every caller hands in the same (soon stale) copy, as 30 alerts joining one fleet do.
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          mine.execute(incident.id, { type: 'add-note', text: `n${i}`, actor: 'U1' }, incident),
        ),
      );
      expect(lost).toBe(0);
      const notes = (await store.timeline(incident.id)).filter((e) => e.type === 'note.added');
      expect(notes.map((e) => e.data.text)).toEqual(Array.from({ length: 30 }, (_, i) => `n${i}`));
    });

    it('the same idempotency key sent concurrently applies once', async () => {
      const { incident } = await open();
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () =>
          service.execute(incident.id, {
            type: 'add-note',
            text: 'retry',
            actor: 'U1',
            idempotencyKey: 'slack-retry-7',
          }),
        ),
      );
      expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
      expect((await store.timeline(incident.id)).filter((e) => e.type === 'note.added')).toHaveLength(1);
    });

    it('a service starts commands from the state it wrote, reading nothing, and appends once each', async () => {
      const { incident } = await open();
      const calls: string[] = [];
      const counting = new Proxy(store, {
        get: (target, name) => {
          const value: unknown = Reflect.get(target, name);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls.push(String(name));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      const mine = new IncidentService(counting, clock);
      await mine.execute(incident.id, {
        type: 'add-note',
        text: 'first',
        actor: 'U1',
        idempotencyKey: 'w-0',
      });
      calls.length = 0;
      for (let i = 1; i <= 3; i++)
        await mine.execute(incident.id, {
          type: 'add-note',
          text: `n${i}`,
          actor: 'U1',
          idempotencyKey: `w-${i}`,
        });
      expect(calls).toEqual(['append', 'append', 'append']);
      expect(fold(await store.timeline(incident.id))).toEqual(await store.load(incident.id));
      // With no known state, each command reads first.
      const cold = new IncidentService(counting, clock, { knownIncidents: 0 });
      calls.length = 0;
      await cold.execute(incident.id, { type: 'add-note', text: 'cold', actor: 'U1' });
      await cold.execute(incident.id, { type: 'add-note', text: 'cold again', actor: 'U1' });
      expect(calls).toEqual(['loadForCommand', 'append', 'loadForCommand', 'append']);
    });

    it('a stale known state (another service wrote meanwhile) still ends right', async () => {
      const { incident } = await open();
      const check = incident.steps[0]?.id ?? '';
      const a = new IncidentService(store, clock);
      const b = new IncidentService(store, clock);
      await a.execute(incident.id, { type: 'add-note', text: 'a1', actor: 'U1' });
      await b.execute(incident.id, { type: 'complete-step', stepId: check, actor: 'U2' });
      await b.execute(incident.id, { type: 'add-note', text: 'b1', actor: 'U2' });
      // a knows version 2; the store is at 4. A note lands after b's, on the stored state.
      const note = await a.execute(incident.id, { type: 'add-note', text: 'a2', actor: 'U1' });
      expect(note.events.map((e) => e.seq)).toEqual([5]);
      expect(note.incident.version).toBe(5);
      expect(note.incident.steps[0]?.status).toBe('done');
      // A command that a's stale state allows but the stored one refuses is refused.
      await expect(
        a.execute(incident.id, { type: 'complete-step', stepId: check, actor: 'U1' }),
      ).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
      // b's known state (version 4) is stale in turn.
      await b.execute(incident.id, { type: 'add-note', text: 'b2', actor: 'U2' });
      const timeline = await store.timeline(incident.id);
      expect(timeline.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(timeline.filter((e) => e.type === 'step.completed')).toHaveLength(1);
      expect(timeline.filter((e) => e.type === 'note.added').map((e) => e.data.text)).toEqual([
        'a1',
        'b1',
        'a2',
        'b2',
      ]);
      expect(fold(timeline)).toEqual(await store.load(incident.id));
    });

    it('a command that loses every optimistic race takes the write lock and lands once', async () => {
      const { incident } = await open();
      const busy = new IncidentService(store, clock);
      const calls: string[] = [];
      let lost = 0;
      // Another writer gets in before each of this service's optimistic appends, as a replica
      // writing one incident without pause does.
      const losing = new Proxy(store, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            calls.push(String(name));
            if (name === 'append') {
              lost++;
              await busy.execute(incident.id, { type: 'add-note', text: `busy ${lost}`, actor: 'U2' });
            }
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      const mine = new IncidentService(losing, clock);
      const note = await mine.execute(incident.id, {
        type: 'add-note',
        text: 'mine',
        actor: 'U1',
        idempotencyKey: 'locked-1',
      });
      expect(calls.filter((c) => c === 'append')).toHaveLength(4);
      expect(calls.at(-1)).toBe('commandLocked');
      expect(calls.filter((c) => c === 'commandLocked')).toHaveLength(1);
      const timeline = await store.timeline(incident.id);
      expect(timeline.filter((e) => e.data.text === 'mine')).toHaveLength(1);
      expect(note.incident).toEqual(await store.load(incident.id));
      expect(note.events.map((e) => e.seq)).toEqual([timeline.length]);
      expect(fold(timeline)).toEqual(await store.load(incident.id));
      // Its key was recorded in the same transaction: sent again, it replays.
      const again = await new IncidentService(store, clock).execute(incident.id, {
        type: 'add-note',
        text: 'mine',
        actor: 'U1',
        idempotencyKey: 'locked-1',
      });
      expect(again.replayed).toBe(true);
      expect(again.events.map((e) => e.seq)).toEqual(note.events.map((e) => e.seq));
    });

    it('a locked command sees the incident and its key; a refusal or nothing to do writes nothing', async () => {
      const { incident } = await open();
      await service.execute(incident.id, { type: 'add-note', text: 'k', actor: 'U1', idempotencyKey: 'lk' });
      const before = await store.load(incident.id);
      const seen: unknown[] = [];
      await store.commandLocked(incident.id, 'lk', (read) => {
        seen.push(read);
        return undefined;
      });
      expect(seen).toEqual([{ incident: before, replay: { incidentId: incident.id, seqs: [2] } }]);
      const refusal = new Error('refused');
      await expect(
        store.commandLocked(incident.id, undefined, () => {
          throw refusal;
        }),
      ).rejects.toBe(refusal);
      expect(await store.load(incident.id)).toEqual(before);
      expect(await store.timeline(incident.id)).toHaveLength(2);
      let missing: unknown = 'not called';
      await store.commandLocked('GC-2026-9999', 'nope', (read) => {
        missing = read;
        return undefined;
      });
      expect(missing).toEqual({ incident: undefined, replay: undefined });
    });

    it('a replayed key with a known state returns the earlier outcome and writes nothing', async () => {
      const { incident } = await open();
      const a = new IncidentService(store, clock);
      const b = new IncidentService(store, clock);
      const note = { type: 'add-note', text: 'once', actor: 'U1', idempotencyKey: 'warm-1' } as const;
      const first = await a.execute(incident.id, note);
      await b.execute(incident.id, { type: 'add-note', text: 'b', actor: 'U2' });
      const before = await store.load(incident.id);
      // a's known state is stale, b's is current: both find the key taken.
      for (const service of [a, b, a]) {
        const again = await service.execute(incident.id, note);
        expect(again.replayed).toBe(true);
        expect(again.events).toEqual(first.events);
        expect(await store.load(incident.id)).toEqual(before);
        expect((await store.timeline(incident.id)).length).toBe(3);
      }
      // The same key on a command the known state refuses, or finds a no-op, is a replay too.
      const check = incident.steps[0]?.id ?? '';
      const done = { type: 'complete-step', stepId: check, actor: 'U1', idempotencyKey: 'warm-2' } as const;
      const completed = await a.execute(incident.id, done);
      const joined = await a.execute(incident.id, {
        type: 'join',
        actor: 'U0ALICE',
        idempotencyKey: 'warm-3',
      });
      expect((await a.execute(incident.id, done)).events).toEqual(completed.events);
      const rejoin = await a.execute(incident.id, {
        type: 'join',
        actor: 'U0ALICE',
        idempotencyKey: 'warm-3',
      });
      expect(rejoin).toMatchObject({ replayed: true, events: joined.events });
      expect((await store.timeline(incident.id)).length).toBe(
        3 + completed.events.length + joined.events.length,
      );
    });

    it('every read, by this store and by another on the same database, has the version and time of the last write', async () => {
      const { incident } = await open();
      const check = incident.steps[0]?.id ?? '';
      // Notes move only version and updatedAt (the stores then leave the snapshot JSON as it was);
      // completing a step changes the rest too.
      const commands = [
        { type: 'add-note', text: 'a', actor: 'U1' },
        { type: 'complete-step', stepId: check, actor: 'U1' },
        { type: 'add-note', text: 'b', actor: 'U1' },
        { type: 'add-note', text: 'c', actor: 'U1' },
      ] as const;
      const other = await openStore(
        url.startsWith('sqlite:') ? parseDatabaseUrl(url) : { kind: 'postgres', url },
        {
          ...(schema ? { schema } : {}),
        },
      );
      try {
        for (const command of commands) {
          clock.advance(60_000);
          const { incident: written } = await service.execute(incident.id, command);
          const timeline = await store.timeline(incident.id);
          expect(written.updatedAt).toBe(timeline.at(-1)?.at);
          expect(fold(timeline)).toEqual(written);
          for (const reader of [store, other]) {
            expect(await reader.load(incident.id)).toEqual(written);
            expect((await reader.loadForCommand(incident.id)).incident).toEqual(written);
            expect(await reader.list()).toEqual([written]);
            expect(await reader.list({ status: written.status })).toEqual([written]);
            expect(await reader.findByCause(written.cause ?? '')).toEqual(written);
          }
        }
      } finally {
        await other.close();
      }
    });

    it('reads an incident and its command key together, as load and findIdempotent do', async () => {
      const { incident } = await open();
      expect(await store.loadForCommand('GC-2026-9999', 'nope')).toEqual({
        incident: undefined,
        replay: undefined,
      });
      expect(await store.loadForCommand(incident.id)).toEqual({ incident, replay: undefined });
      await service.execute(incident.id, {
        type: 'add-note',
        text: 'a',
        actor: 'U1',
        idempotencyKey: 'k-read',
      });
      const read = await store.loadForCommand(incident.id, 'k-read');
      expect(read.incident).toEqual(await store.load(incident.id));
      expect(read.replay).toEqual(await store.findIdempotent('k-read'));
      expect(read.replay).toEqual({ incidentId: incident.id, seqs: [2] });
    });

    it('an append whose key is already taken writes nothing at all', async () => {
      const { incident } = await open();
      await service.execute(incident.id, {
        type: 'add-note',
        text: 'a',
        actor: 'U1',
        idempotencyKey: 'k-taken',
      });
      const current = (await store.load(incident.id)) as Incident;
      const event: TimelineEvent = {
        seq: current.version + 1,
        incidentId: incident.id,
        at: clock.now().toISOString(),
        actor: 'U2',
        type: 'note.added',
        data: { text: 'b' },
      };
      const next: Incident = { ...current, version: current.version + 1 };
      expect(await store.append(incident.id, current.version, [event], next, 'k-taken')).toBe(false);
      expect(await store.load(incident.id)).toEqual(current);
      expect((await store.timeline(incident.id)).length).toBe(current.version);
      expect(await store.append(incident.id, current.version, [event], next, 'k-fresh')).toBe(true);
      expect((await store.timeline(incident.id)).at(-1)).toMatchObject({ actor: 'U2', data: { text: 'b' } });
    });

    it('lists incidents newest first, by status', async () => {
      const a = (await open()).incident;
      clock.advance(1000);
      const b = (await open()).incident;
      await service.execute(b.id, { type: 'set-status', status: 'mitigated', actor: 'U1' });
      expect((await store.list()).map((i) => i.id)).toEqual([b.id, a.id]);
      expect((await store.list({ status: 'open' })).map((i) => i.id)).toEqual([a.id]);
      expect((await store.list({ limit: 1 })).map((i) => i.id)).toEqual([b.id]);
    });

    it('finds the latest incident of a cause, in any status, by its own query', async () => {
      const cause = 'gc-full-collection-latency{job="checkout"}';
      expect(await store.findByCause(cause)).toBeUndefined();
      const first = (await open()).incident;
      expect(first.cause).toBe(cause);
      expect((await store.findByCause(cause))?.id).toBe(first.id);
      await service.execute(first.id, { type: 'set-status', status: 'resolved', actor: 'U1' });
      // The cause outlives status changes (the row is updated in place).
      expect(await store.findByCause(cause)).toMatchObject({ id: first.id, status: 'resolved' });
      clock.advance(1000);
      const second = (await open()).incident;
      expect((await store.findByCause(cause))?.id).toBe(second.id);
      const other = await service.open({
        runbook,
        runbookVersion: 'sha256:test',
        service: 'search',
        inputs: { job: 'search' },
        commander: 'U0COMMANDER',
      });
      expect((await store.findByCause('gc-full-collection-latency{job="search"}'))?.id).toBe(
        other.incident.id,
      );
      expect((await store.findByCause(cause))?.id).toBe(second.id);
      // Near misses are other causes: no prefix or pattern matching.
      expect(await store.findByCause('gc-full-collection-latency{job="check%"}')).toBeUndefined();
      expect(await store.findByCause('gc-full-collection-latency')).toBeUndefined();
    });

    it('lists the recent causes of one runbook, newest first, by a range over the cause index', async () => {
      const openFor = (job: string, runbookId = 'gc-full-collection-latency', trigger?: string) =>
        service.open({
          trigger,
          runbook: runbookId === runbook.metadata.id ? runbook : shippedRunbook(runbookId),
          runbookVersion: 'sha256:test',
          service: job,
          inputs: { job },
          commander: 'U0COMMANDER',
        });
      await openFor('old');
      clock.advance(10 * 60_000);
      const since = clock.now();
      await openFor('a');
      clock.advance(1000);
      await openFor('b', undefined, 'Alertmanager: storm');
      // Another runbook's causes are not listed.
      await openFor('c', 'gc-thrash-allocation-churn');
      clock.advance(1000);
      const c = (await openFor('c')).incident;
      const rows = await store.recentCauses('gc-full-collection-latency', since, 100);
      expect(rows.map((r) => r.service)).toEqual(['c', 'b', 'a']);
      expect(rows[0]).toEqual({
        cause: 'gc-full-collection-latency{job="c"}',
        incidentId: c.id,
        service: 'c',
        trigger: null,
      });
      expect(rows[1]?.trigger).toBe('Alertmanager: storm');
      expect(await store.recentCauses('gc-full-collection-latency', since, 2)).toHaveLength(2);
      expect(await store.recentCauses('gc-full', since, 100)).toEqual([]);
    });

    it('loads an incident with 10,000 timeline events', async () => {
      const { incident } = await open();
      let current = incident;
      for (let batch = 0; batch < 20; batch++) {
        const events: TimelineEvent[] = Array.from({ length: 500 }, (_, i) => ({
          seq: current.version + i + 1,
          incidentId: incident.id,
          at: clock.now().toISOString(),
          actor: 'U1',
          type: 'note.added' as const,
          data: { text: `note ${current.version + i + 1}` },
        }));
        const next = { ...current, version: current.version + 500 };
        expect(await store.append(incident.id, current.version, events, next)).toBe(true);
        current = next;
      }
      const timeline = await store.timeline(incident.id);
      expect(timeline).toHaveLength(10_001);
      expect(timeline.at(-1)?.seq).toBe(10_001);
    });
  });
}
