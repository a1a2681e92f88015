/**
 * Approvals by role and roles taken back, through Bolt's receiver with signed requests and the
 * fake Web API. The shipped gc-cyclic-garbage-growth runbook lets the commander or the service
 * owner approve its high-risk "pin-dependency" action: someone holding neither is refused with
 * an ephemeral message naming who may approve and how to get the role; once given the role,
 * they approve and the timeline records the role. `/gc-incident role owner none` takes the role
 * back (the commander stands in again); the commander cannot be taken back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { FakeClock } from '../helpers/engine.js';
import { FakeSlackApi } from '../helpers/slack-api.js';
import { ALICE, BOB, buttonsOf, SlackHarness } from '../helpers/slack-app.js';

const STEP = 'pin-dependency';
let h: SlackHarness;
let api: FakeSlackApi;
const clock = new FakeClock(Date.parse('2026-11-23T10:00:00.000Z'));

beforeAll(async () => {
  api = await new FakeSlackApi(undefined, () => clock.now().getTime()).start();
  h = await SlackHarness.start({ api, clock });
}, 30_000);
afterAll(async () => {
  await h?.stop();
  await api?.stop();
});

/**
 * An incident in containment, its card showing the Approve button of the risky action. There is
 * no Prometheus here: the steps before containment are skipped (the skip modal is tested in
 * app.test.ts), then each phase is left with the card's Next phase button.
 */
async function inContainment() {
  await h.slash('start gc-cyclic-garbage-growth job=checkout');
  const { id } = await h.latestIncident();
  expect(await h.walkToContainment(id)).toBe('containment');
  const approve = buttonsOf(await h.card(id)).find(
    (b) => b.actionId === ACTION.approve && b.value === `${id}|${STEP}`,
  );
  expect(approve).toBeDefined();
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

const approvals = async (id: string) =>
  (await h.store.timeline(id)).filter((e) => e.type === 'action.approved');
const approvedBy = async (id: string) =>
  (await h.store.load(id))?.steps.find((s) => s.id === STEP)?.approvedBy;
const threadText = async (id: string) => JSON.stringify((await h.thread(id)).map((m) => m.blocks));

describe('approvals by role in Slack', () => {
  it('refuses someone without the role, says who may and how to get it; once given the role, they approve', async () => {
    const id = await inContainment();

    const refused = await h.click(ACTION.approve, `${id}|${STEP}`, { user: BOB });
    const no = answer(refused.responseUrl);
    // Who may approve, with the commander as a live mention; how to get the role, to paste.
    expect(no.blocks).toContain(
      `only the commander (<@${ALICE}>), the service owner (not assigned: the commander stands in) may approve 'Roll back the dependency that introduced the cycles'`,
    );
    expect(no.blocks).toContain(
      `To approve, ask the commander (<@${ALICE}>) for the service owner role: \`/gc-incident role ${id} @you owner\``,
    );
    expect(no.blocks).not.toContain('&lt;@');
    // The notification text has no live mention.
    expect(no.text).not.toContain('<@');
    expect(await approvals(id)).toEqual([]);
    expect(await approvedBy(id)).toBeUndefined();
    expect(await threadText(id)).not.toContain('approved');

    // The commander gives Bob the service owner role; Bob's Approve now works.
    await h.slash(`role <@${BOB}|bob> owner`);
    const yes = await h.click(ACTION.approve, `${id}|${STEP}`, { user: BOB });
    expect(h.answersTo(yes.responseUrl)).toEqual([]);
    const [approved] = await approvals(id);
    expect(approved?.actor).toBe(BOB);
    expect(approved?.data).toMatchObject({ stepId: STEP, after: BOB, role: 'service-owner', risk: 'high' });
    expect(await approvedBy(id)).toBe(BOB);
    expect(await threadText(id)).toContain(
      `<@${BOB}> approved *Roll back the dependency that introduced the cycles* as the service owner (high risk)`,
    );
    // The card no longer offers Approve, and says who approved.
    const card = await h.card(id);
    expect(buttonsOf(card).some((b) => b.value === `${id}|${STEP}` && b.actionId === ACTION.approve)).toBe(
      false,
    );
    expect(JSON.stringify(card.blocks)).toContain(`approved by <@${BOB}>`);
    expect(api.calls.filter((c) => !c.ok)).toEqual([]);
  });

  it('the commander approves as the commander', async () => {
    const id = await inContainment();
    await h.click(ACTION.approve, `${id}|${STEP}`, { user: ALICE });
    const [approved] = await approvals(id);
    expect(approved).toMatchObject({ actor: ALICE, data: { role: 'commander' } });
  });
});

describe('taking a role back in Slack', () => {
  it('`role owner none` takes it back: recorded, said in the thread and on the card; the approval goes with it', async () => {
    const id = await inContainment();
    await h.slash(`role <@${BOB}|bob> owner`);
    expect((await h.store.load(id))?.roles?.['service-owner']).toBe(BOB);

    const taken = await h.slash('role owner none');
    expect(answer(taken.responseUrl).blocks).toContain(
      `Recorded on ${id}: <@${BOB}> is no longer the service owner; the commander stands in.`,
    );
    expect((await h.store.load(id))?.roles?.['service-owner']).toBeUndefined();
    const changes = (await h.store.timeline(id)).filter((e) => e.type.startsWith('role.'));
    expect(changes.map((e) => [e.type, e.data.role, e.data.before, e.actor])).toEqual([
      ['role.assigned', 'service-owner', null, ALICE],
      ['role.unassigned', 'service-owner', BOB, ALICE],
    ]);
    expect(await threadText(id)).toContain(
      `<@${ALICE}> took the service owner role back from <@${BOB}>: nobody holds it now, the commander stands in.`,
    );
    expect(JSON.stringify((await h.card(id)).blocks)).toContain('*Service owner* _not assigned_');

    // Bob may no longer approve.
    const refused = await h.click(ACTION.approve, `${id}|${STEP}`, { user: BOB });
    expect(answer(refused.responseUrl).blocks).toContain('the service owner (not assigned');
    expect(await approvals(id)).toEqual([]);

    // `role unassign owner` again, by id: nobody holds it, nothing recorded. (From another channel
    // it is refused: tests/security/incident-scope.test.ts.)
    const before = (await h.store.timeline(id)).length;
    const nothing = await h.slash(`role unassign owner ${id}`, ALICE);
    expect(answer(nothing.responseUrl).blocks).toContain(
      `Nobody holds the service owner role on ${id}; nothing changed.`,
    );
    expect((await h.store.timeline(id)).length).toBe(before);
  });

  it('refuses to leave an incident without a commander, and says how to hand it over', async () => {
    const id = await inContainment();
    const before = (await h.store.timeline(id)).length;
    const refused = await h.slash('role commander none');
    expect(answer(refused.responseUrl).blocks).toContain(
      'an incident always has a commander: hand the role over to someone instead (role @someone commander)',
    );
    expect((await h.store.load(id))?.commander).toBe(ALICE);
    expect((await h.store.timeline(id)).length).toBe(before);
    // A person and `none` together is a usage error, answered with the help.
    const both = await h.slash(`role <@${BOB}|bob> owner none`);
    expect(JSON.stringify(both)).toContain('not both');
  });
});
