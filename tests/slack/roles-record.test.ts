/**
 * Roles and what people say, through Bolt's receiver with signed requests and the fake
 * Web API: a role assigned with the slash command, handed over with the card's Roles
 * modal, follow-ups the runbook gives the service owner, a 📌 on a thread message (and
 * its removal), a note; then all of it in the exported postmortem, escaped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPostmortem } from '../../src/adapters/postmortem/export.js';
import { ACTION } from '../../src/slack/ids.js';
import { FakeClock } from '../helpers/engine.js';
import { FakeSlackApi } from '../helpers/slack-api.js';
import { ALICE, BOB, buttonsOf, CHANNEL, SlackHarness, until } from '../helpers/slack-app.js';
import { reactionEvent } from '../helpers/slack-requests.js';

const CAROL = 'U0CAROL001';
const DAVE = 'U0DAVE0001';
let h: SlackHarness;
let api: FakeSlackApi;
const clock = new FakeClock(Date.parse('2026-11-23T10:00:00.000Z'));

beforeAll(async () => {
  api = await new FakeSlackApi(undefined, () => clock.now().getTime()).start();
  api.users.set(CAROL, { name: 'carol', realName: 'Carol Diaz', tz: 'Europe/Berlin' });
  h = await SlackHarness.start({ api, clock });
}, 30_000);
afterAll(async () => {
  await h?.stop();
  await api?.stop();
});

async function open() {
  await h.slash('start gc-cyclic-garbage-growth job=checkout');
  const incident = await h.latestIncident();
  if (!incident.card) throw new Error('no card');
  return { id: incident.id, cardTs: incident.card.ts };
}

async function pinEvent(type: 'reaction_added' | 'reaction_removed', user: string, ts: string) {
  const response = await h.event(reactionEvent(type, { user, reaction: 'pushpin', channel: CHANNEL, ts }));
  expect(response.status).toBe(200);
}

describe('roles and the record in Slack', () => {
  it('assigns, hands over, gives follow-ups to the role, pins and unpins, notes; the postmortem shows it all', async () => {
    const { id, cardTs } = await open();

    // `/gc-incident role @bob owner` in the incident's channel.
    const assign = await h.slash(`role <@${BOB}|bob> owner`);
    expect(JSON.stringify(h.answersTo(assign.responseUrl))).toContain('service owner');
    expect((await h.store.load(id))?.roles?.['service-owner']).toBe(BOB);
    expect(JSON.stringify((await h.thread(id)).map((m) => m.blocks))).toContain(
      `<@${BOB}> is the service owner`,
    );
    expect(JSON.stringify((await h.card(id)).blocks)).toContain(`*Service owner* <@${BOB}>`);
    // A responder, by name of role.
    await h.slash(`role responder <@${DAVE}|dave>`);
    expect((await h.store.load(id))?.participants).toContain(DAVE);

    // The card's Roles button opens the modal; submitting it hands the role over to Carol.
    expect(buttonsOf(await h.card(id)).map((b) => b.actionId)).toContain(ACTION.roles);
    const click = await h.click(ACTION.roles, id, { messageTs: cardTs });
    await until(() => api.callsOf('views.open').find((c) => c.body.trigger_id === click.triggerId));
    const view = api.views.at(-1);
    expect(view?.view.callback_id).toBe('gc-incident.roles');
    // A submission without a person is refused in the modal, and nothing changes.
    const incomplete = await h.submit(view?.view as Record<string, unknown>, view?.id as string, {
      role: { value: { type: 'static_select', selected_option: { value: 'service-owner' } } },
      person: { value: { type: 'users_select', selected_user: null } },
    });
    expect(incomplete.text).toContain('Pick a person');
    await h.submit(view?.view as Record<string, unknown>, view?.id as string, {
      role: { value: { type: 'static_select', selected_option: { value: 'service-owner' } } },
      person: { value: { type: 'users_select', selected_user: CAROL } },
    });
    const handed = await h.store.load(id);
    expect(handed?.roles?.['service-owner']).toBe(CAROL);
    const roleEvents = (await h.store.timeline(id)).filter((e) => e.type === 'role.assigned');
    expect(roleEvents.map((e) => [e.data.role, e.data.before, e.data.after, e.actor])).toEqual([
      ['service-owner', null, BOB, ALICE],
      ['responder', null, DAVE, ALICE],
      ['service-owner', BOB, CAROL, ALICE],
    ]);
    expect(JSON.stringify((await h.thread(id)).map((m) => m.blocks))).toContain(
      `handed the service owner role over: <@${BOB}> → <@${CAROL}>`,
    );

    // The runbook gives two items to the service owner and two to the commander.
    await h.flow.createRunbookFollowUps(id, { id: ALICE });
    const items = (await h.store.load(id))?.followUps ?? [];
    expect(items.map((f) => [f.owner, f.ownerRole, f.roleUnassigned ?? false])).toEqual([
      [CAROL, 'service-owner', false],
      [CAROL, 'service-owner', false],
      [ALICE, 'commander', false],
      [ALICE, 'commander', false],
    ]);

    // Bob writes in the thread and Carol pins it with 📌.
    const said = api.say(
      CHANNEL,
      BOB,
      'Pauses line up with the <https://grafana.example/d/1|batch import> &amp; cron | <!here> *now*',
      cardTs,
    );
    api.react(CHANNEL, said.ts, CAROL, 'pushpin');
    await pinEvent('reaction_added', CAROL, said.ts);
    const pinned = (await h.store.load(id))?.pinned ?? [];
    expect(pinned).toHaveLength(1);
    expect(pinned[0]).toMatchObject({
      author: BOB,
      pinnedBy: CAROL,
      text: 'Pauses line up with the batch import (https://grafana.example/d/1) & cron | @here *now*',
      permalink: `https://example.slack.com/archives/${CHANNEL}/p${said.ts.replace('.', '')}`,
    });
    expect(api.callsOf('reactions.get').at(-1)?.body).toMatchObject({ channel: CHANNEL, timestamp: said.ts });
    // The thread says so, with Slack's markup of the message made harmless.
    const botLines = JSON.stringify(
      (await h.thread(id)).filter((m) => m.user === 'UBOT00001').map((m) => m.blocks),
    );
    expect(botLines).toContain(`<@${CAROL}> pinned a <https://example.slack.com/archives/${CHANNEL}/p`);
    expect(botLines).not.toContain('<!here>');

    // A second 📌 on the same message changes nothing; a retried delivery neither.
    api.react(CHANNEL, said.ts, DAVE, 'pushpin');
    await pinEvent('reaction_added', DAVE, said.ts);
    // Carol takes hers back: Dave's 📌 still holds it.
    api.unreact(CHANNEL, said.ts, CAROL, 'pushpin');
    await pinEvent('reaction_removed', CAROL, said.ts);
    expect((await h.store.load(id))?.pinned).toHaveLength(1);

    // Another message pinned, then unpinned: gone from the record.
    const noise = api.say(CHANNEL, DAVE, 'lunch anyone?', cardTs);
    api.react(CHANNEL, noise.ts, DAVE, 'pushpin');
    await pinEvent('reaction_added', DAVE, noise.ts);
    expect((await h.store.load(id))?.pinned).toHaveLength(2);
    api.unreact(CHANNEL, noise.ts, DAVE, 'pushpin');
    await pinEvent('reaction_removed', DAVE, noise.ts);
    expect((await h.store.load(id))?.pinned?.map((p) => p.ts)).toEqual([said.ts]);

    // 📌 on a message outside any incident thread, or another emoji, records nothing.
    const elsewhere = api.say(CHANNEL, BOB, 'unrelated channel chatter');
    api.react(CHANNEL, elsewhere.ts, BOB, 'pushpin');
    await pinEvent('reaction_added', BOB, elsewhere.ts);
    const before = (await h.store.timeline(id)).length;
    await h.event(
      reactionEvent('reaction_added', { user: BOB, reaction: 'eyes', channel: CHANNEL, ts: said.ts }),
    );
    expect((await h.store.timeline(id)).length).toBe(before);

    // A note from the channel, and one naming the incident (from its channel: elsewhere it is
    // refused, tests/security/incident-scope.test.ts).
    await h.slash("note it's the nightly import: moved to 02:00 <b>");
    await h.slash(`note ${id} checked with the data team`, BOB, CHANNEL);
    const notes = (await h.store.timeline(id)).filter((e) => e.type === 'note.added').map((e) => e.data.text);
    expect(notes).toEqual(["it's the nightly import: moved to 02:00 <b>", 'checked with the data team']);

    const md = (
      await exportPostmortem({
        store: h.store,
        clock,
        incidentId: id,
        format: 'md',
        readers: { names: { [ALICE]: 'Alice Martin', [BOB]: 'Bob Chen', [CAROL]: 'Carol Diaz' } },
      })
    ).content;
    const roles = md.slice(md.indexOf('## Roles and handovers'), md.indexOf('## From the incident channel'));
    expect(roles).toMatch(/\| service owner \| — \| Bob Chen \| Alice Martin \|/);
    expect(roles).toMatch(/\| service owner \| Bob Chen \| Carol Diaz \| Alice Martin \|/);
    expect(md).toContain('| Service owner | Carol Diaz |');
    const record = md.slice(md.indexOf('## From the incident channel'), md.indexOf('## Timeline'));
    expect(record).toContain('📌 pinned by Carol Diaz');
    // Slack's markup resolved, then escaped for Markdown: the pipe cannot break the table.
    expect(record).toContain('cron \\| @here *now* |');
    expect(record).toContain(`[message](https://example.slack.com/archives/${CHANNEL}/p`);
    expect(record).toContain('moved to 02:00 &lt;b>');
    expect(record).toContain('checked with the data team');
    expect(md).not.toContain('lunch anyone');
    expect(md).toMatch(/\| F1 \| [^\n]*\| Carol Diaz \(service owner\) \|/);

    const json = JSON.parse(
      (await exportPostmortem({ store: h.store, clock, incidentId: id, format: 'json' })).content,
    );
    expect(json.header.roles).toEqual({
      commander: ALICE,
      serviceOwner: CAROL,
      scribe: null,
      responders: [DAVE],
    });
    expect(json.record.map((r: { kind: string }) => r.kind)).toEqual(['pinned', 'note', 'note']);
    expect(json.timeline.some((e: { text: string }) => e.text.includes('lunch'))).toBe(false);
  });

  it('an unassigned role goes to the commander, and says so', async () => {
    const { id } = await open();
    await h.flow.createRunbookFollowUps(id, { id: ALICE });
    const items = (await h.store.load(id))?.followUps ?? [];
    expect(items[0]).toMatchObject({ owner: ALICE, ownerRole: 'service-owner', roleUnassigned: true });
    const created = (await h.store.timeline(id)).find((e) => e.type === 'followup.created');
    expect(JSON.stringify(created?.data)).toContain('roleUnassigned');
    const md = (await exportPostmortem({ store: h.store, clock, incidentId: id, format: 'md' })).content;
    expect(md).toContain('(commander: no service owner assigned)');
    expect(md).toContain('| Service owner | not assigned (the commander stood in) |');

    // Naming the service owner afterwards moves the open items the commander held for the role,
    // and their reminders with them.
    await h.slash(`role ${id} <@${BOB}|bob> owner`);
    const moved = (await h.store.load(id))?.followUps ?? [];
    expect(moved.map((f) => [f.owner, f.roleUnassigned ?? false])).toEqual([
      [BOB, false],
      [BOB, false],
      [ALICE, false],
      [ALICE, false],
    ]);
    clock.advance(15 * 24 * 3600_000);
    await h.server.reminders.tick();
    const dms = (user: string) =>
      api
        .callsOf('chat.postMessage')
        .filter(
          (c) => c.ok && c.body.channel === `D${user.slice(1)}` && String(c.body.text).includes(`${id}/F1`),
        );
    expect(dms(BOB)).toHaveLength(1);
    expect(dms(ALICE)).toHaveLength(0);
  });

  it('says what was wrong with a role command, and where no incident is', async () => {
    const bad = await h.slash('role owner');
    expect(bad.text).toContain('role @someone owner');
    api.channels.set('C0NOINCIDNT', true);
    const nowhere = await h.slash(`role <@${BOB}|bob> scribe`, ALICE, 'C0NOINCIDNT');
    expect(JSON.stringify(h.answersTo(nowhere.responseUrl))).toContain('No open incident');
  });
});
