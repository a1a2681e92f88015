/**
 * Finding 11 (low): anyone in the workspace could read, resolve or annotate
 * any incident by id from any channel. Replayed through Bolt's receiver: from
 * another channel, a note, a close and a role change naming the incident are
 * refused and say where it lives, and nothing is recorded; a status read is
 * answered with where the incident lives; the same commands in its own
 * channel still work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, CHANNEL, SlackHarness } from '../helpers/slack-app.js';

const ELSEWHERE = 'C0ELSEWHERE';
let h: SlackHarness;
beforeAll(async () => {
  h = await SlackHarness.start();
  h.api.channels.set(ELSEWHERE, true);
}, 30_000);
afterAll(async () => {
  await h?.stop();
});

describe('an incident is changed only from its own channel', () => {
  it('refuses changes by id from another channel, saying where it lives; reads say so too', async () => {
    await h.slash('start gc-cyclic-garbage-growth job=checkout');
    const { id } = await h.latestIncident();
    const before = (await h.store.timeline(id)).length;
    for (const text of [
      `note ${id} all fine, closing`,
      `close ${id}`,
      `role ${id} <@${BOB}|bob> commander`,
    ]) {
      const sent = await h.slash(text, BOB, ELSEWHERE);
      const answer = JSON.stringify(h.answersTo(sent.responseUrl));
      expect(answer, text).toContain(`${id} lives in <#${CHANNEL}>: change it from there`);
    }
    expect((await h.store.timeline(id)).length).toBe(before);
    const incident = await h.store.load(id);
    expect(incident?.commander).toBe(ALICE);
    expect(incident?.status).not.toBe('closed');

    const read = await h.slash(`status ${id}`, BOB, ELSEWHERE);
    expect(JSON.stringify(h.answersTo(read.responseUrl))).toContain(`${id} lives in <#${CHANNEL}>`);

    // In its own channel, by id or not, the same note is taken.
    await h.slash(`note ${id} taken here`, ALICE, CHANNEL);
    const notes = (await h.store.timeline(id)).filter((e) => e.type === 'note.added');
    expect(notes.map((e) => e.data.text)).toEqual(['taken here']);
  });
});
