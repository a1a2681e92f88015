/**
 * Finding 11, the rest (low): anyone in the workspace could change any
 * incident, and a click was taken whatever message it came from. Replayed as
 * the attack through Bolt's receiver (signed requests, the loopback Web API):
 * with SLACK_INCIDENT_MEMBERS set, someone outside it cannot start, note,
 * click or submit a modal (even with a member's username), is told who may act
 * and changes nothing, while reads stay open; a member of a listed user group
 * may act. A click whose button names an incident that lives in another
 * channel is refused, nothing changed. Unset, everyone may act as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessRequest, isIncidentMember } from '../../src/slack/access.js';
import { ACTION } from '../../src/slack/ids.js';
import { ALICE, BOB, CHANNEL, SlackHarness, until } from '../helpers/slack-app.js';
import { blockActionPayload, payloadBody, reactionEvent, sendSigned } from '../helpers/slack-requests.js';

const RUNBOOK = 'gc-cyclic-garbage-growth';
const CAROL = 'U0CAROL001';
/** In the workspace, not in SLACK_INCIDENT_MEMBERS. */
const MALLORY = 'U0MALLORY1';
const ONCALL = 'S0ONCALL01';
const ELSEWHERE = 'C0ELSEWHERE';
let h: SlackHarness;

beforeAll(async () => {
  h = await SlackHarness.start({ env: { SLACK_INCIDENT_MEMBERS: `${ALICE}, ${ONCALL}` } });
  h.api.groups.set(ONCALL, { handle: 'oncall', users: [CAROL] });
  h.api.users.set(MALLORY, { name: 'alice', realName: 'Mallory', tz: 'UTC' });
  h.api.channels.set(ELSEWHERE, true);
}, 30_000);
afterAll(async () => {
  await h?.stop();
});

const said = (responseUrl: string) => JSON.stringify(h.answersTo(responseUrl));

describe('SLACK_INCIDENT_MEMBERS: who may change incidents', () => {
  it('a non-member cannot start an incident and is told who may act; reads stay open', async () => {
    const refused = await h.slash(`start ${RUNBOOK} job=checkout`, MALLORY);
    const answer = said(refused.responseUrl);
    expect(answer).toContain('Only the people SLACK_INCIDENT_MEMBERS lists may change incidents');
    expect(answer).toContain(`<@${ALICE}>`);
    expect(answer).toContain(`<!subteam^${ONCALL}>`);
    expect(answer).toContain(`your Slack id (${MALLORY})`);
    expect(await h.store.list({ limit: 5 })).toEqual([]);

    const list = await h.slash('list', MALLORY);
    expect(said(list.responseUrl)).not.toContain('SLACK_INCIDENT_MEMBERS');
  });

  it('clicks, notes and modal submissions by a non-member change nothing, even with a member username', async () => {
    await h.slash(`start ${RUNBOOK} job=checkout`);
    const { id } = await h.latestIncident();
    const before = (await h.store.timeline(id)).length;

    const note = await h.slash(`note ${id} closing this`, MALLORY);
    expect(said(note.responseUrl)).toContain('SLACK_INCIDENT_MEMBERS');
    // Severity rewrites the card, the topic and the postmortem: a change like any other.
    const severity = await h.slash(`severity ${id} sev1`, MALLORY);
    expect(said(severity.responseUrl)).toContain('SLACK_INCIDENT_MEMBERS');
    expect((await h.store.load(id))?.severity).not.toBe('sev1');

    // Mallory's username is "alice": the id decides.
    const payload = blockActionPayload({
      actionId: ACTION.advance,
      value: id,
      userId: MALLORY,
      channelId: CHANNEL,
      messageTs: '1.000001',
      triggerId: h.api.trigger(),
      responseUrl: h.api.responseUrl(),
    });
    payload.user = { id: MALLORY, username: 'alice', name: 'alice', team_id: 'T00000001' };
    const click = await sendSigned(h.port, payloadBody(payload));
    await h.settle();
    expect(click.status).toBe(200);
    expect(said(payload.response_url as string)).toContain('Nothing was changed');

    // Alice opens the skip modal; Mallory submits it (a forged or shared view).
    const step = (await h.store.load(id))?.steps.find((s) => s.phase === 'detection');
    const opened = await h.click(ACTION.skip, `${id}|${step?.id}`);
    await until(() => h.api.callsOf('views.open').find((c) => c.body.trigger_id === opened.triggerId));
    const view = h.api.views.at(-1);
    const submitted = await h.submit(
      view?.view as Record<string, unknown>,
      view?.id as string,
      { reason: { value: { type: 'plain_text_input', value: 'skipped by mallory' } } },
      MALLORY,
    );
    expect(submitted.text).toContain('SLACK_INCIDENT_MEMBERS');
    expect(submitted.text).toContain('"response_action":"update"');

    expect((await h.store.timeline(id)).length).toBe(before);
    const incident = await h.store.load(id);
    expect(incident?.phase).toBe('detection');
    expect(incident?.steps.find((s) => s.id === step?.id)?.status).not.toBe('skipped');

    // Show all steps only reads: open to everyone.
    const show = await h.click(ACTION.showSteps, id, { user: MALLORY });
    expect(said(show.responseUrl)).not.toContain('SLACK_INCIDENT_MEMBERS');
  });

  it("a non-member's 📌 pins nothing; a member's does", async () => {
    const { id } = await h.latestIncident();
    const card = (await h.store.load(id))?.card;
    const said = h.api.say(CHANNEL, BOB, 'the batch import started at 10:02', card?.ts);
    h.api.react(CHANNEL, said.ts, MALLORY, 'pushpin');
    const pin = (user: string) =>
      h.event(reactionEvent('reaction_added', { user, reaction: 'pushpin', channel: CHANNEL, ts: said.ts }));
    expect((await pin(MALLORY)).status).toBe(200);
    expect((await h.store.load(id))?.pinned ?? []).toEqual([]);
    h.api.react(CHANNEL, said.ts, ALICE, 'pushpin');
    await pin(ALICE);
    expect((await h.store.load(id))?.pinned).toHaveLength(1);
  });

  it('a member of a listed user group may act (resolved through usergroups.users.list)', async () => {
    const { id } = await h.latestIncident();
    const note = await h.slash(`note ${id} carol was here`, CAROL);
    expect(said(note.responseUrl)).not.toContain('SLACK_INCIDENT_MEMBERS');
    const notes = (await h.store.timeline(id)).filter((e) => e.type === 'note.added');
    expect(notes.map((e) => [e.actor, e.data.text])).toEqual([[CAROL, 'carol was here']]);
    expect(h.api.callsOf('usergroups.users.list').length).toBeGreaterThan(0);
  });
});

describe('a click acts only on the incident its message belongs to', () => {
  it('a button naming an incident that lives in another channel is refused, nothing changed', async () => {
    const { id } = await h.latestIncident();
    const before = (await h.store.timeline(id)).length;
    const stray = await h.click(ACTION.advance, id, { channel: ELSEWHERE });
    expect(said(stray.responseUrl)).toContain(`This button acts on ${id}, which lives in <#${CHANNEL}>`);
    const step = (await h.store.load(id))?.steps.find((s) => s.phase === 'detection');
    const strayStep = await h.click(ACTION.skip, `${id}|${step?.id}`, { channel: ELSEWHERE });
    expect(said(strayStep.responseUrl)).toContain('Nothing was changed');
    expect(h.api.callsOf('views.open').find((c) => c.body.trigger_id === strayStep.triggerId)).toBe(
      undefined,
    );
    expect((await h.store.timeline(id)).length).toBe(before);

    // From its own channel the same click is taken.
    const home = await h.click(ACTION.skip, `${id}|${step?.id}`);
    expect(said(home.responseUrl)).not.toContain('Nothing was changed');
    await until(() => h.api.callsOf('views.open').find((c) => c.body.trigger_id === home.triggerId));
  });
});

describe('a click acts only on the incident whose card (or thread) it is on', () => {
  it("a button naming one incident on another incident's card, in the same channel, is refused", async () => {
    const { id: first } = await h.latestIncident();
    await h.slash(`start ${RUNBOOK} job=payments`);
    const { id: second } = await h.latestIncident();
    expect(second).not.toBe(first);
    const firstCard = (await h.store.load(first))?.card;
    const secondCard = (await h.store.load(second))?.card;
    expect(firstCard?.channel).toBe(secondCard?.channel);
    const before = (await h.store.timeline(second)).length;
    const step = (await h.store.load(second))?.steps.find((s) => s.phase === 'detection');

    // The first incident's card, the second's button value (a forged or mixed-up payload).
    const forged = await h.click(ACTION.skip, `${second}|${step?.id}`, {
      messageTs: firstCard?.ts as string,
    });
    expect(said(forged.responseUrl)).toContain(`the message it is on is not ${second}'s card or thread`);
    expect(h.api.callsOf('views.open').find((c) => c.body.trigger_id === forged.triggerId)).toBe(undefined);
    // A reply in the first incident's thread is not the second's either.
    const inThread = h.api.say(CHANNEL, ALICE, 'a reply', firstCard?.ts);
    const payload = blockActionPayload({
      actionId: ACTION.advance,
      value: second,
      userId: ALICE,
      channelId: CHANNEL,
      messageTs: inThread.ts,
      threadTs: firstCard?.ts,
      triggerId: h.api.trigger(),
      responseUrl: h.api.responseUrl(),
    });
    await sendSigned(h.port, payloadBody(payload));
    await h.settle();
    expect(said(payload.response_url as string)).toContain('Nothing was changed');
    expect((await h.store.timeline(second)).length).toBe(before);

    // On its own card, and in its own thread, the same buttons are taken.
    const own = await h.click(ACTION.skip, `${second}|${step?.id}`, { messageTs: secondCard?.ts as string });
    await until(() => h.api.callsOf('views.open').find((c) => c.body.trigger_id === own.triggerId));
    const ownThread = blockActionPayload({
      actionId: ACTION.roles,
      value: second,
      userId: ALICE,
      channelId: CHANNEL,
      messageTs: h.api.say(CHANNEL, ALICE, 'in its thread', secondCard?.ts).ts,
      threadTs: secondCard?.ts,
      triggerId: h.api.trigger(),
      responseUrl: h.api.responseUrl(),
    });
    await sendSigned(h.port, payloadBody(ownThread));
    await h.settle();
    expect(said(ownThread.response_url as string)).not.toContain('Nothing was changed');
    await until(() => h.api.callsOf('views.open').find((c) => c.body.trigger_id === ownThread.trigger_id));
  });
});

describe('the default: everyone in the workspace', () => {
  it('an empty list lets every user id act; a list matches ids, never names', async () => {
    const none = async () => [] as string[];
    expect(await isIncidentMember(BOB, [], none)).toBe(true);
    expect(await isIncidentMember(BOB, [ALICE], none)).toBe(false);
    expect(await isIncidentMember('alice', [ALICE], none)).toBe(false);
    expect(await isIncidentMember(CAROL, [ONCALL], async (g) => (g === ONCALL ? [CAROL] : []))).toBe(true);
  });

  it('classifies reads and changes, and takes the incident id from the button value', () => {
    const slash = (text: string) => accessRequest({ command: '/gc-incident', user_id: BOB, text });
    expect(slash('status')?.changes).toBe(false);
    expect(slash('export GC-2026-0001 md')?.changes).toBe(false);
    expect(slash('close GC-2026-0001')?.changes).toBe(true);
    expect(slash('severity GC-2026-0001 sev1')?.changes).toBe(true);
    expect(slash('followup list')?.changes).toBe(false);
    expect(slash('')?.changes).toBe(true);
    const click = accessRequest({
      type: 'block_actions',
      user: { id: BOB },
      channel: { id: 'D0DM' },
      actions: [{ action_id: ACTION.followupDone, value: 'GC-2026-0001|f1' }],
    });
    const picker = accessRequest({
      type: 'block_actions',
      user: { id: BOB },
      channel: { id: 'C0ELSEWHERE' },
      actions: [{ action_id: ACTION.followupReassign, block_id: 'followup:GC-2026-0002|f2' }],
    });
    expect(picker?.click?.incidentId).toBe('GC-2026-0002');
    expect(click?.click).toEqual({
      incidentId: 'GC-2026-0001',
      channel: 'D0DM',
      messageTs: undefined,
      threadTs: undefined,
      followUp: true,
    });
  });
});
