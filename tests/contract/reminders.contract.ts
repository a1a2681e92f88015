/** The ReminderStore contract, run against every store (SQLite, PostgreSQL). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReminderRequest, Store } from '../../src/core/ports.js';
import type { StoreFactory } from '../helpers/stores.js';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const reminder = (n: number, dueMinutes: number): ReminderRequest => ({
  id: `GC-2026-0001/F${n}/${at(dueMinutes).toISOString()}`,
  incidentId: 'GC-2026-0001',
  itemId: `F${n}`,
  owner: 'U0ALICE001',
  dueAt: at(dueMinutes),
});

export function remindersContract(factory: StoreFactory): void {
  describe(`${factory.name} reminders`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await factory.create());
    });
    afterEach(async () => cleanup());

    it('scheduling is idempotent and only due reminders are claimed, oldest first', async () => {
      await store.scheduleReminder(reminder(1, 10));
      await store.scheduleReminder(reminder(1, 10));
      await store.scheduleReminder(reminder(2, 5));
      await store.scheduleReminder(reminder(3, 60));
      expect(await store.pendingReminders()).toBe(3);
      expect(await store.pendingReminders(at(30))).toBe(2);
      const claimed = await store.claimDueReminders(at(30), 'a', 60_000, 10);
      expect(claimed.map((r) => r.itemId)).toEqual(['F2', 'F1']);
      expect(claimed[0]).toMatchObject({ attempts: 1, delivery: {}, owner: 'U0ALICE001' });
      expect(claimed[0]?.dueAt.toISOString()).toBe(at(5).toISOString());
    });

    it('a claim is exclusive until its lease ends, then another process may take it', async () => {
      await store.scheduleReminder(reminder(1, 0));
      expect(await store.claimDueReminders(at(1), 'a', 60_000, 10)).toHaveLength(1);
      expect(await store.claimDueReminders(at(1.5), 'b', 60_000, 10)).toHaveLength(0);
      const retaken = await store.claimDueReminders(at(2.5), 'b', 60_000, 10);
      expect(retaken).toHaveLength(1);
      expect(retaken[0]?.attempts).toBe(2);
      // The first claimant lost it: it can neither record nor mark.
      expect(
        await store.recordDelivery(retaken[0]?.id as string, 'a', { dm: { channel: 'D1', ts: '1.1' } }),
      ).toBe(false);
      expect(await store.markSent(retaken[0]?.id as string, 'a', at(3))).toBe(false);
    });

    it('a recorded delivery survives a lost claim, and a sent reminder is never claimed again', async () => {
      await store.scheduleReminder(reminder(1, 0));
      const [first] = await store.claimDueReminders(at(1), 'a', 60_000, 10);
      expect(await store.recordDelivery(first?.id as string, 'a', { dm: { channel: 'D1', ts: '1.1' } })).toBe(
        true,
      );
      const [again] = await store.claimDueReminders(at(5), 'b', 60_000, 10);
      expect(again?.delivery).toEqual({ dm: { channel: 'D1', ts: '1.1' } });
      expect(await store.markSent(again?.id as string, 'b', at(5))).toBe(true);
      expect(await store.markSent(again?.id as string, 'b', at(5))).toBe(false);
      expect(await store.claimDueReminders(at(100), 'c', 60_000, 10)).toHaveLength(0);
      expect(await store.pendingReminders()).toBe(0);
    });

    it('cancelling removes an item’s pending reminders only', async () => {
      await store.scheduleReminder(reminder(1, 0));
      await store.scheduleReminder(reminder(1, 60));
      await store.scheduleReminder(reminder(2, 0));
      expect(await store.cancelReminders('GC-2026-0001', 'F1', at(1))).toBe(2);
      expect((await store.claimDueReminders(at(100), 'a', 60_000, 10)).map((r) => r.itemId)).toEqual(['F2']);
      // Scheduling a cancelled reminder again revives it.
      await store.scheduleReminder(reminder(1, 60));
      expect((await store.claimDueReminders(at(100), 'a', 60_000, 10)).map((r) => r.itemId)).toEqual(['F1']);
    });

    it('claimOnce is true for exactly one caller per key', async () => {
      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map((who) => store.claimOnce('digest:2026-11-23', who, at(0))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.claimOnce('digest:2026-11-24', 'b', at(0))).toBe(true);
    });

    it('concurrent claimers never share a reminder', async () => {
      for (let i = 0; i < 60; i++) await store.scheduleReminder(reminder(i, 0));
      const batches = await Promise.all(
        ['a', 'b', 'c'].map((who) => store.claimDueReminders(at(1), who, 60_000, 25)),
      );
      const ids = batches.flat().map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(60);
    });
  });
}
