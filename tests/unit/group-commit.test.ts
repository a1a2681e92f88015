/**
 * The fast path of a Slack request (issue 31): holds that arrive together share
 * one fsync of SQLite's WAL, each still on disk before it is answered, and
 * finished requests' rows are deleted in batches.
 */
import { fdatasync, fdatasyncSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkLeases } from '../../src/adapters/leases/work-leases.js';
import { WalGroupCommit, type WalSync } from '../../src/adapters/store/sqlite-group-commit.js';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import type { LeaseStore } from '../../src/core/ports.js';

const NOW = new Date('2026-12-06T10:00:00.000Z');
const work = (key: string) => ({ key, kind: 'slack', body: JSON.stringify({ key }) });
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function open(path: string): Promise<SqliteStore> {
  const store = new SqliteStore(path);
  await store.migrate();
  stores.push(store);
  return store;
}

describe('group commit of held work (SQLite)', () => {
  it('holds arriving together cost fewer WAL syncs than holds, and every one is there after a reopen', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gc-incident-group-')), 'gc.db');
    const store = await open(path);
    const group = store.group;
    if (!group) throw new Error('a database file in WAL mode has a group commit');
    const before = group.syncs;
    const held = await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.hold(work(`k${i}`), 'p1', NOW, 30_000)),
    );
    expect(held).toEqual(Array.from({ length: 40 }, () => true));
    const syncs = group.syncs - before;
    // The first hold's sync runs while the other 39 commit: they share the next one.
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(syncs).toBeLessThanOrEqual(2);
    // One at a time, each hold waits for a sync of its own.
    const alone = group.syncs;
    for (let i = 0; i < 3; i++) await store.hold(work(`alone${i}`), 'p1', NOW, 30_000);
    expect(group.syncs - alone).toBe(3);
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const reopened = await open(path);
    expect(await reopened.heldWork()).toBe(43);
    const taken = await reopened.claimExpired(new Date(NOW.getTime() + 60_000), 'p2', 30_000, 100);
    expect(taken.map((w) => w.key).sort()).toEqual(
      [...Array.from({ length: 40 }, (_, i) => `k${i}`), 'alone0', 'alone1', 'alone2'].sort(),
    );
  });

  it('a hold is answered only once the sync that covers it has finished', async () => {
    const store = await open(join(mkdtempSync(join(tmpdir(), 'gc-incident-group-')), 'gc.db'));
    const group = store.group;
    if (!group) throw new Error('a database file in WAL mode has a group commit');
    // A sync under way when the second hold commits cannot cover it: the second waits for the next.
    const first = store.hold(work('a'), 'p1', NOW, 30_000);
    const syncsAtFirst = group.syncs;
    const second = store.hold(work('b'), 'p1', NOW, 30_000);
    expect(group.syncs).toBe(syncsAtFirst);
    await first;
    await second;
    expect(group.syncs).toBe(syncsAtFirst + 1);
  });

  it('closing the store waits for the syncs its writers are waiting on', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gc-incident-group-')), 'gc.db');
    const store = await open(path);
    const holds = [store.hold(work('a'), 'p1', NOW, 30_000), store.hold(work('b'), 'p1', NOW, 30_000)];
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    expect(await Promise.all(holds)).toEqual([true, true]);
    expect(await (await open(path)).heldWork()).toBe(2);
  });

  it('a hold of a key already held is refused, through the group commit as before', async () => {
    const store = await open(join(mkdtempSync(join(tmpdir(), 'gc-incident-group-')), 'gc.db'));
    const [a, b] = await Promise.all([
      store.hold(work('same'), 'p1', NOW, 30_000),
      store.hold(work('same'), 'p2', NOW, 30_000),
    ]);
    expect([a, b]).toEqual([true, false]);
  });
});

describe('a sync that fails (SQLite group commit)', () => {
  function wal(io?: WalSync) {
    const path = join(mkdtempSync(join(tmpdir(), 'gc-incident-group-')), 'gc.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (v INTEGER)');
    const group = WalGroupCommit.of(db, path, io);
    if (!group) throw new Error('a database file in WAL mode has a group commit');
    return { db, group, path };
  }

  it('fails the write it covers and every write after it, on both paths', async () => {
    let broken = false;
    const eio = () => Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const { db, group } = wal({
      fdatasync: ((fd: number, cb: (e: NodeJS.ErrnoException | null) => void) =>
        broken ? cb(eio()) : fdatasync(fd, cb)) as typeof fdatasync,
      fdatasyncSync: (fd: number) => {
        if (broken) throw eio();
        fdatasyncSync(fd);
      },
    });
    db.exec('INSERT INTO t VALUES (1)');
    await expect(group.synced('first')).resolves.toBe('first');
    broken = true;
    db.exec('INSERT INTO t VALUES (2)');
    await expect(group.synced('second')).rejects.toThrow(
      /could not make a write durable \(EIO.*restart gc-incident/,
    );
    // The disk may have dropped what it could not write: nothing after is acknowledged either.
    broken = false;
    await expect(group.synced('third')).rejects.toThrow(/could not make a write durable/);
    expect(() => group.syncedNow('fourth')).toThrow(/could not make a write durable/);
    await group.close();
    db.close();
  });

  it('the WAL of a database opened through a symlink is the real file’s, synced as a file', async () => {
    const { db, path } = wal();
    db.close();
    const link = join(mkdtempSync(join(tmpdir(), 'gc-incident-link-')), 'linked.db');
    symlinkSync(path, link);
    const linked = new Database(link);
    linked.pragma('journal_mode = WAL');
    const group = WalGroupCommit.of(linked, link);
    expect(group?.walPath).toBe(`${realpathSync(path)}-wal`);
    linked.exec('INSERT INTO t VALUES (3)');
    await expect(group?.synced('ok')).resolves.toBe('ok');
    await group?.close();
    await expect(group?.synced('late')).rejects.toThrow(/the store is closed/);
    linked.close();
  });
});

describe('commit mode (the terminal): each write syncs in its own commit', () => {
  it('commits with synchronous=FULL and runs no group sync; every write is there after a reopen', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gc-incident-commit-')), 'gc.db');
    const store = new SqliteStore(path, { sync: 'commit' });
    await store.migrate();
    expect(store.group).toBeUndefined();
    for (let i = 0; i < 3; i++) expect(await store.hold(work(`c${i}`), 'p1', NOW, 30_000)).toBe(true);
    expect((store as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(
      2,
    );
    await store.close();
    const reopened = await open(path);
    expect(await reopened.heldWork()).toBe(3);
    expect(reopened.group).toBeDefined();
  });
});

describe('finished requests forgotten in batches', () => {
  it('deletes the rows of requests finished together in one write, later, and not before', async () => {
    const store = await open(join(mkdtempSync(join(tmpdir(), 'gc-incident-forget-')), 'gc.db'));
    const writes: (readonly string[])[] = [];
    const counting: LeaseStore = {
      hold: (w, c, n, l) => store.hold(w, c, n, l),
      renew: (k, c, n, l) => store.renew(k, c, n, l),
      release: (keys) => {
        writes.push(keys);
        return store.release(keys);
      },
      claimExpired: (n, c, l, m) => store.claimExpired(n, c, l, m),
      heldWork: () => store.heldWork(),
    };
    const leases = new WorkLeases({
      store: counting,
      clock: { now: () => NOW },
      logger: pino({ level: 'silent' }),
      claimant: 'p1',
      bootId: 'boot',
      forgetBatchMs: 50,
    });
    for (const key of ['r1', 'r2', 'r3']) expect(await leases.hold(work(key))).toBe(true);
    for (const key of ['r1', 'r2', 'r3']) leases.forget(key);
    // Nothing written yet: the rows are still there, and no longer renewed.
    expect(writes).toEqual([]);
    expect(await store.heldWork()).toBe(3);
    await new Promise((r) => setTimeout(r, 120));
    expect(writes).toEqual([['r1', 'r2', 'r3']]);
    expect(await store.heldWork()).toBe(0);
    // Flushing with nothing forgotten writes nothing.
    await leases.flushForgotten();
    expect(writes).toHaveLength(1);
  });
});
