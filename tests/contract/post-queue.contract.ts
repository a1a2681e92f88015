/** The PostQueueStore contract, run against every store (SQLite, PostgreSQL). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import type { StoreFactory } from '../helpers/stores.js';

const T0 = Date.parse('2026-12-06T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const post = (key: string, channel = 'C1', body = `{"text":"${key}"}`) => ({
  key,
  channel,
  kind: 'post' as const,
  body,
});
const update = (channel: string, ts: string, body: string) => ({
  key: `update:${channel}:${ts}`,
  channel,
  kind: 'update' as const,
  body,
  incidentId: 'GC-2026-0001',
});

export function postQueueContract(factory: StoreFactory): void {
  describe(`${factory.name} Slack post queues`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await factory.create());
    });
    afterEach(async () => cleanup());

    it('a key is queued once; posts come out oldest first; a sent post settles once', async () => {
      const first = await store.posts.enqueuePost(post('a'), at(0));
      expect(first).toMatchObject({ key: 'a', state: 'pending', revision: 1, attempts: 0, resultTs: null });
      await store.posts.enqueuePost(post('b'), at(1));
      const again = await store.posts.enqueuePost(post('a', 'C1', '{"text":"other"}'), at(2));
      expect(again.body).toBe('{"text":"a"}');
      expect(await store.posts.pendingPosts()).toBe(2);
      expect((await store.posts.nextPost('C1'))?.key).toBe('a');
      expect(await store.posts.settlePost('a', 1, { ts: '1.000' }, at(3))).toBe(true);
      expect(await store.posts.settlePost('a', 1, { ts: '2.000' }, at(3))).toBe(false);
      expect(await store.posts.postByKey('a')).toMatchObject({ state: 'sent', resultTs: '1.000' });
      expect((await store.posts.nextPost('C1'))?.key).toBe('b');
      // Enqueuing a sent key again changes nothing: it is not sent twice.
      expect(await store.posts.enqueuePost(post('a'), at(4))).toMatchObject({
        state: 'sent',
        resultTs: '1.000',
      });
      expect(await store.posts.pendingPosts()).toBe(1);
      // The channel keeps its recent sends for the next process that drains it.
      expect(await store.posts.recentSends('C1')).toEqual([]);
      expect(await store.posts.settlePost('b', 1, { ts: '2.000' }, at(5), [T0, T0 + 5000])).toBe(true);
      expect(await store.posts.recentSends('C1')).toEqual([T0, T0 + 5000]);
      expect(await store.posts.recentSends('C404')).toEqual([]);
    });

    it('the backlog per channel: oldest first, its count, when it may send next', async () => {
      expect(await store.posts.postBacklog(10)).toEqual([]);
      await store.posts.enqueuePost(post('a', 'C1'), at(2));
      await store.posts.enqueuePost(post('b', 'C1'), at(3));
      await store.posts.enqueuePost(post('c', 'C2'), at(1));
      await store.posts.deferChannel('C1', at(60));
      const backlog = await store.posts.postBacklog(10);
      expect(backlog).toEqual([
        { channel: 'C2', pending: 1, oldestQueuedAt: at(1), nextAt: at(1) },
        { channel: 'C1', pending: 2, oldestQueuedAt: at(2), nextAt: at(60) },
      ]);
      expect(await store.posts.postBacklog(1)).toHaveLength(1);
      await store.posts.settlePost('c', 1, { ts: '1.000' }, at(4));
      expect((await store.posts.postBacklog(10)).map((b) => b.channel)).toEqual(['C1']);
      // An update of a message sent long ago waits from when it was queued again, not from the post.
      const u = await store.posts.enqueuePost(update('C3', '7.000', '{"v":1}'), at(0));
      await store.posts.settlePost(u.key, u.revision, { ts: '7.000' }, at(1));
      await store.posts.enqueuePost(update('C3', '7.000', '{"v":2}'), at(4000));
      // A second update while that one waits keeps its age.
      await store.posts.enqueuePost(update('C3', '7.000', '{"v":3}'), at(4010));
      expect((await store.posts.postBacklog(10)).find((b) => b.channel === 'C3')?.oldestQueuedAt).toEqual(
        at(4000),
      );
    });

    it('updates of one message coalesce: the newest body wins, an older revision does not settle it', async () => {
      const u1 = await store.posts.enqueuePost(update('C1', '9.000', '{"v":1}'), at(0));
      const u2 = await store.posts.enqueuePost(update('C1', '9.000', '{"v":2}'), at(1));
      expect(u2).toMatchObject({ revision: u1.revision + 1, body: '{"v":2}', incidentId: 'GC-2026-0001' });
      expect(await store.posts.pendingPosts()).toBe(1);
      // A send of revision 1 finished after revision 2 arrived: the row still waits.
      expect(await store.posts.settlePost(u1.key, u1.revision, { ts: '9.000' }, at(2))).toBe(false);
      expect(await store.posts.settlePost(u2.key, u2.revision, { ts: '9.000' }, at(2))).toBe(true);
      // A later update of the same message is pending again.
      expect(await store.posts.enqueuePost(update('C1', '9.000', '{"v":3}'), at(3))).toMatchObject({
        state: 'pending',
        body: '{"v":3}',
      });
    });

    it('a failure is recorded; attempts count; settled rows are pruned', async () => {
      await store.posts.enqueuePost(post('x'), at(0));
      expect(await store.posts.countAttempt('x')).toBe(1);
      expect(await store.posts.countAttempt('x')).toBe(2);
      expect(await store.posts.settlePost('x', 1, { error: 'channel_not_found' }, at(5))).toBe(true);
      expect(await store.posts.postByKey('x')).toMatchObject({
        state: 'failed',
        error: 'channel_not_found',
        attempts: 2,
      });
      expect(await store.posts.pendingPosts()).toBe(0);
      // Queued again under the same key (a retry after the bot was invited), maybe elsewhere.
      expect(await store.posts.enqueuePost(post('x', 'C7', '{"text":"again"}'), at(5))).toMatchObject({
        state: 'pending',
        channel: 'C7',
        body: '{"text":"again"}',
        attempts: 0,
        error: null,
      });
      expect(await store.posts.settlePost('x', 2, { error: 'channel_not_found' }, at(5))).toBe(true);
      expect(await store.posts.prunePosts(at(4))).toBe(0);
      expect(await store.posts.prunePosts(at(6))).toBe(1);
      expect(await store.posts.postByKey('x')).toBeUndefined();
    });

    it('one claimant drains a channel until its lease ends; a deferred channel waits', async () => {
      const claim = async (seconds: number, claimant: string) =>
        (await store.posts.claimPostChannels(at(seconds), claimant, 30_000, 10)).map((c) => c.channel).sort();
      await store.posts.enqueuePost(post('a', 'C1'), at(0));
      await store.posts.enqueuePost(post('b', 'C2'), at(0));
      expect(await store.posts.claimPostChannels(at(1), 'p1', 30_000, 10)).toEqual(
        expect.arrayContaining([
          { channel: 'C1', takenOver: false },
          { channel: 'C2', takenOver: false },
        ]),
      );
      expect(await claim(2, 'p2')).toEqual([]);
      // Its own claim is renewed (not a takeover).
      expect((await store.posts.claimPostChannels(at(2), 'p1', 30_000, 10)).map((c) => c.takenOver)).toEqual([
        false,
        false,
      ]);
      await store.posts.deferChannel('C1', at(60));
      expect(await claim(3, 'p1')).toEqual(['C2']);
      // The lease ended (its process died, maybe mid-send): another takes the channel over, and is told so.
      expect(await store.posts.claimPostChannels(at(40), 'p2', 30_000, 10)).toEqual([
        { channel: 'C2', takenOver: true },
      ]);
      await store.posts.releasePostChannel('C2', 'p1');
      expect(await claim(41, 'p3')).toEqual([]);
      await store.posts.releasePostChannel('C2', 'p2');
      // Let go (nothing in flight): not a takeover.
      expect(await store.posts.claimPostChannels(at(41), 'p3', 30_000, 10)).toEqual([
        { channel: 'C2', takenOver: false },
      ]);
      expect(await claim(61, 'p3')).toEqual(['C1', 'C2']);
      // A channel whose queue is empty is not claimed.
      await store.posts.settlePost('b', 1, { ts: '1.0' }, at(62));
      expect(await claim(62, 'p3')).toEqual(['C1']);
    });

    it('concurrent claimants never hold the same channel', async () => {
      for (let i = 0; i < 20; i++) await store.posts.enqueuePost(post(`k${i}`, `C${i}`), at(0));
      const results = await Promise.all(
        ['p1', 'p2', 'p3', 'p4'].map((p) => store.posts.claimPostChannels(at(1), p, 30_000, 8)),
      );
      const channels = results.flat().map((c) => c.channel);
      expect(channels).toHaveLength(20);
      expect(new Set(channels).size).toBe(20);
    });
  });
}
