/**
 * Who may change roles, through Bolt's receiver with signed requests and the fake Web API. The
 * shipped gc-cyclic-garbage-growth runbook lets the commander or the service owner approve its
 * high-risk "pin-dependency" action. Bob, in the channel with no role, giving himself the service
 * owner role (slash command or the Roles modal) or the commander role is refused with an
 * ephemeral message naming the commander and the command to ask for, nothing is recorded, and
 * his Approve is still refused. He may join as a responder and step down from a role he holds.
 * The commander's assignment works, and so does a configured approver's (SLACK_APPROVERS).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { FakeClock } from '../helpers/engine.js';
import { FakeSlackApi } from '../helpers/slack-api.js';
import { ALICE, BOB, buttonsOf, SlackHarness, until } from '../helpers/slack-app.js';

const STEP = 'pin-dependency';
const CAROL = 'U0CAROL001'; // a configured approver
const DAVE = 'U0DAVE0001';
let h: SlackHarness;
let api: FakeSlackApi;
const clock = new FakeClock(Date.parse('2026-11-23T10:00:00.000Z'));

beforeAll(async () => {
  api = await new FakeSlackApi(undefined, () => clock.now().getTime()).start();
  api.users.set(CAROL, { name: 'carol', realName: 'Carol Diaz', tz: 'Europe/Berlin' });
  h = await SlackHarness.start({ api, clock, env: { SLACK_APPROVERS: CAROL } });
}, 30_000);
afterAll(async () => {
  await h?.stop();
  await api?.stop();
});

/** An incident Alice commands, in containment with the risky action's Approve on its card. */
async function inContainment() {
  await h.slash('start gc-cyclic-garbage-growth job=checkout');
  const { id } = await h.latestIncident();
  expect(await h.walkToContainment(id)).toBe('containment');
  return id;
}

/** The one ephemeral answer to a request, as Slack received it on its response_url. */
function answer(responseUrl: string) {
  const answers = h.answersTo(responseUrl) as { response_type?: string; text?: string; blocks?: unknown }[];
  expect(answers).toHaveLength(1);
  const [only] = answers;
  expect(only?.response_type).toBe('ephemeral');
  return { text: String(only?.text), blocks: JSON.stringify(only?.blocks) };
}

const roleEvents = async (id: string) =>
  (await h.store.timeline(id))
    .filter((e) => e.type.startsWith('role.'))
    .map((e) => [e.type, e.data.role, e.data.after ?? e.data.before, e.actor]);
const threadText = async (id: string) => JSON.stringify((await h.thread(id)).map((m) => m.blocks));

describe('who may change roles in Slack', () => {
  it('refuses the bypass (slash command and modal), records nothing; the commander assigns and Bob approves', async () => {
    const id = await inContainment();
    const timeline = (await h.store.timeline(id)).length;

    // Bob gives himself the service owner role: refused, with whom to ask and what to paste.
    const selfOwner = await h.slash(`role <@${BOB}|bob> owner`, BOB);
    const no = answer(selfOwner.responseUrl);
    expect(no.blocks).toContain(
      `Only the commander (<@${ALICE}>) or an approver may give the service owner role. Ask the commander (<@${ALICE}>) to run \`/gc-incident role ${id} @you owner\``,
    );
    expect(no.text).not.toContain('<@');
    // Nor may he take command.
    const selfCommander = await h.slash(`role <@${BOB}|bob> commander`, BOB);
    expect(answer(selfCommander.responseUrl).blocks).toContain(
      `or an approver may hand the commander role over. Ask the commander (<@${ALICE}>) to run \`/gc-incident role ${id} @you commander\``,
    );

    // The card's Roles modal, submitted by Bob: refused in an ephemeral message to him.
    const card = await h.latestIncident();
    const click = await h.click(ACTION.roles, id, { user: BOB, messageTs: card.card?.ts as string });
    await until(() => api.callsOf('views.open').find((c) => c.body.trigger_id === click.triggerId));
    const view = api.views.at(-1);
    expect(JSON.stringify(view?.view.blocks)).toContain('Only the commander or an approver gives roles');
    const ephemerals = api.callsOf('chat.postEphemeral').length;
    await h.submit(
      view?.view as Record<string, unknown>,
      view?.id as string,
      {
        role: { value: { type: 'static_select', selected_option: { value: 'service-owner' } } },
        person: { value: { type: 'users_select', selected_user: BOB } },
      },
      BOB,
    );
    const refusal = api.callsOf('chat.postEphemeral').slice(ephemerals);
    expect(refusal).toHaveLength(1);
    expect(refusal[0]?.body.user).toBe(BOB);
    expect(JSON.stringify(refusal[0]?.body.blocks)).toContain(
      `Only the commander (<@${ALICE}>) or an approver may give the service owner role`,
    );

    // Nothing was recorded, nothing said in the thread, and Bob still may not approve.
    expect((await h.store.timeline(id)).length).toBe(timeline);
    expect((await h.store.load(id))?.roles?.['service-owner']).toBeUndefined();
    expect(await threadText(id)).not.toContain('is the service owner');
    const stillNo = await h.click(ACTION.approve, `${id}|${STEP}`, { user: BOB });
    expect(answer(stillNo.responseUrl).blocks).toContain('may approve');
    expect((await h.store.timeline(id)).filter((e) => e.type === 'action.approved')).toEqual([]);

    // Joining as a responder is his to do.
    await h.slash(`role <@${BOB}|bob> responder`, BOB);
    expect((await h.store.load(id))?.participants).toContain(BOB);

    // The commander gives Bob the role; his Approve now works, as the service owner.
    const given = await h.slash(`role <@${BOB}|bob> owner`);
    expect(answer(given.responseUrl).blocks).toContain(`<@${BOB}> is the service owner`);
    const yes = await h.click(ACTION.approve, `${id}|${STEP}`, { user: BOB });
    expect(h.answersTo(yes.responseUrl)).toEqual([]);
    const [approved] = (await h.store.timeline(id)).filter((e) => e.type === 'action.approved');
    expect(approved).toMatchObject({ actor: BOB, data: { role: 'service-owner' } });
    expect(
      buttonsOf(await h.card(id)).some((b) => b.value === `${id}|${STEP}` && b.actionId === ACTION.approve),
    ).toBe(false);

    // Bob steps down himself; Carol, a configured approver, gives the role to Dave.
    await h.slash('role owner none', BOB);
    await h.slash(`role <@${DAVE}|dave> owner`, CAROL);
    expect((await h.store.load(id))?.roles?.['service-owner']).toBe(DAVE);
    expect(await roleEvents(id)).toEqual([
      ['role.assigned', 'responder', BOB, BOB],
      ['role.assigned', 'service-owner', BOB, ALICE],
      ['role.unassigned', 'service-owner', BOB, BOB],
      ['role.assigned', 'service-owner', DAVE, CAROL],
    ]);
    expect(api.calls.filter((c) => !c.ok)).toEqual([]);
  });
});
