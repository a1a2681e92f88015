/** The LeaseStore contract, run against every store (SQLite, PostgreSQL). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import type { StoreFactory } from '../helpers/stores.js';

const T0 = Date.parse('2026-11-24T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const work = (key: string) => ({ key, kind: 'slack', body: JSON.stringify({ key }) });

export function leasesContract(factory: StoreFactory): void {
  describe(`${factory.name} leased work`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await factory.create());
    });
    afterEach(async () => cleanup());

    it('holds a key once: a second hold of the same key changes nothing', async () => {
      expect(await store.hold(work('cmd:1'), 'a', at(0), 30_000)).toBe(true);
      expect(await store.hold({ ...work('cmd:1'), body: '{"other":true}' }, 'b', at(1), 30_000)).toBe(false);
      expect(await store.heldWork()).toBe(1);
      const [taken] = await store.claimExpired(at(31), 'c', 30_000, 10);
      expect(taken).toMatchObject({ key: 'cmd:1', kind: 'slack', body: '{"key":"cmd:1"}', attempts: 2 });
      expect(taken?.heldSince.toISOString()).toBe(at(0).toISOString());
    });

    it('nothing is taken over while its lease runs; renewing keeps it, releasing forgets it', async () => {
      await store.hold(work('a'), 'p1', at(0), 30_000);
      await store.hold(work('b'), 'p1', at(0), 30_000);
      expect(await store.claimExpired(at(20), 'p2', 30_000, 10)).toEqual([]);
      await store.renew(['a'], 'p1', at(20), 30_000);
      // A renewal by a process that does not hold the key changes nothing.
      await store.renew(['b'], 'p2', at(20), 30_000);
      expect((await store.claimExpired(at(40), 'p2', 30_000, 10)).map((w) => w.key)).toEqual(['b']);
      await store.release(['a']);
      expect(await store.claimExpired(at(100), 'p2', 30_000, 10)).toEqual([
        expect.objectContaining({ key: 'b', attempts: 3 }),
      ]);
      expect(await store.heldWork()).toBe(1);
    });

    it('takes over oldest first, up to the limit, and a taken row is exclusive for its new lease', async () => {
      for (let i = 0; i < 5; i++) await store.hold(work(`k${i}`), 'dead', at(i), 1_000);
      const first = await store.claimExpired(at(60), 'p1', 30_000, 3);
      expect(first.map((w) => w.key)).toEqual(['k0', 'k1', 'k2']);
      const rest = await store.claimExpired(at(60), 'p2', 30_000, 10);
      expect(rest.map((w) => w.key)).toEqual(['k3', 'k4']);
      expect(await store.claimExpired(at(61), 'p3', 30_000, 10)).toEqual([]);
    });

    it('concurrent sweepers never take the same row', async () => {
      for (let i = 0; i < 40; i++) await store.hold(work(`k${i}`), 'dead', at(0), 1_000);
      const results = await Promise.all(
        ['p1', 'p2', 'p3', 'p4'].map((p) => store.claimExpired(at(10), p, 30_000, 15)),
      );
      const keys = results.flat().map((w) => w.key);
      expect(keys).toHaveLength(40);
      expect(new Set(keys).size).toBe(40);
    });
  });
}
