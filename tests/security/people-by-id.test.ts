/**
 * Finding 2 (medium): approvers and role-granting were matched by Slack
 * username (`payload.user.username`), which is deprecated and not unique: a
 * user from another organisation whose username is `bob` approved a
 * dangerous action meant for `@bob`, then made himself commander; a forged
 * Roles submission set the scribe to `<!channel>`. Replayed through Bolt's
 * receiver with signed requests and the fake Web API: `@bob` is resolved to
 * Bob's id (users.list) once at load and only that id approves; a handle
 * that names nobody is logged as an error and approves nobody; the forged
 * submission is refused in the modal.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ACTION } from '../../src/slack/ids.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { ALICE, BOB, CHANNEL, SlackHarness, until } from '../helpers/slack-app.js';
import { blockActionPayload, payloadBody, sendSigned, slashBody } from '../helpers/slack-requests.js';

const RUNBOOK = 'gc-cyclic-garbage-growth';
const STEP = 'pin-dependency';
/** Someone whose username is also `bob` (a Slack Connect guest, another Grid org): not Bob. */
const MALLORY = 'U0MALLORY1';
let h: SlackHarness;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-people-'));
  const doc = parseDocument(readFileSync(join(RUNBOOKS_DIR, `${RUNBOOK}.yaml`), 'utf8'));
  const actions = doc.getIn(['containment', 'actions']) as { items: { get(k: string): unknown }[] };
  const index = actions.items.findIndex((a) => a.get('id') === STEP);
  doc.setIn(
    ['containment', 'actions', index, 'confirmation', 'approvers'],
    [{ user: '@bob' }, { user: '@nobody' }],
  );
  writeFileSync(join(dir, `${RUNBOOK}.yaml`), doc.toString());
  h = await SlackHarness.start({ runbooksDir: dir });
}, 30_000);
afterAll(async () => {
  await h?.stop();
});

/** A click whose payload carries `username` as Slack would for that user. */
async function clickAs(userId: string, username: string, actionId: string, value: string) {
  const responseUrl = h.api.responseUrl();
  const payload = blockActionPayload({
    actionId,
    value,
    userId,
    channelId: CHANNEL,
    // The card the button is on, as Slack sends it (a click elsewhere is refused: access.ts).
    messageTs: h.messageWithButton(CHANNEL, actionId, value)?.ts ?? '1.000001',
    triggerId: h.api.trigger(),
    responseUrl,
  });
  payload.user = { id: userId, username, name: username, team_id: 'T00000002' };
  const response = await sendSigned(h.port, payloadBody(payload));
  await h.settle();
  return { ...response, responseUrl };
}

const approvals = async (id: string) =>
  (await h.store.timeline(id)).filter((e) => e.type === 'action.approved');

describe('people are Slack user ids, never usernames', () => {
  it('a user whose username matches the approver @bob but whose id does not is refused; Bob approves', async () => {
    await h.slash(`start ${RUNBOOK} job=checkout`);
    const { id } = await h.latestIncident();
    expect(await h.walkToContainment(id)).toBe('containment');

    const forged = await clickAs(MALLORY, 'bob', ACTION.approve, `${id}|${STEP}`);
    expect(forged.status).toBe(200);
    expect(JSON.stringify(h.answersTo(forged.responseUrl))).toContain('may approve');
    expect(await approvals(id)).toEqual([]);

    // Role-granting goes by the same check: "bob" cannot make himself commander.
    const responseUrl = h.api.responseUrl();
    await sendSigned(
      h.port,
      slashBody({
        text: `role ${id} <@${MALLORY}|bob> commander`,
        userId: MALLORY,
        userName: 'bob',
        channelId: CHANNEL,
        triggerId: h.api.trigger(),
        responseUrl,
      }),
    );
    await h.settle();
    expect((await h.store.load(id))?.commander).toBe(ALICE);
    expect(JSON.stringify(h.answersTo(responseUrl))).toMatch(/commander|may/);

    // Bob, by his id (resolved from @bob through users.list when the runbooks were loaded).
    await clickAs(BOB, 'bob', ACTION.approve, `${id}|${STEP}`);
    const [approved] = await approvals(id);
    expect(approved?.actor).toBe(BOB);
    expect(h.api.callsOf('users.list').length).toBeGreaterThan(0);
  });

  it('a handle that names nobody is a clear error at load, and approves nobody', async () => {
    const line = await until(() => h.logs.find((l) => l.includes('approver @nobody')));
    expect(line).toContain(`runbook ${RUNBOOK}: approver @nobody is no member of this workspace`);
    expect(line).toContain("write the person's Slack user id (U…) instead");
  });

  it('a forged Roles submission with a non-id person is refused in the modal', async () => {
    const { id } = await h.latestIncident();
    const click = await h.click(ACTION.roles, id);
    await until(() => h.api.callsOf('views.open').find((c) => c.body.trigger_id === click.triggerId));
    const view = h.api.views.at(-1);
    const before = (await h.store.timeline(id)).length;
    const forged = await h.submit(view?.view as Record<string, unknown>, view?.id as string, {
      role: { value: { type: 'static_select', selected_option: { value: 'scribe' } } },
      person: { value: { type: 'users_select', selected_user: '<!channel>' } },
    });
    expect(forged.text).toContain('Pick a person from the list');
    expect((await h.store.load(id))?.roles?.scribe).toBeUndefined();
    expect((await h.store.timeline(id)).length).toBe(before);
  });
});
