/**
 * The Slack app as Slack drives it: signed requests to Bolt's HTTP receiver on
 * loopback, Web API calls answered by the fake Slack server (which rejects
 * anything over Block Kit's limits). No metrics backend here: checks fail with
 * their reason, which is itself part of what is tested.
 */

import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { ALICE, BOB, buttonsOf, CHANNEL, SlackHarness, until } from '../helpers/slack-app.js';
import { payloadBody, SIGNING_SECRET, sendSigned, sign, slashBody } from '../helpers/slack-requests.js';

let h: SlackHarness;

beforeAll(async () => {
  h = await SlackHarness.start({ env: { SLACK_APPROVERS: 'S0SRELEADS' } });
  h.api.groups.set('S0SRELEADS', { handle: 'sre-leads', users: [BOB] });
}, 30_000);
afterAll(async () => h?.stop());

async function startIncident(text = 'start gc-full-collection-latency job=checkout service=checkout-api') {
  const before = (await h.store.list({ limit: 1000 })).length;
  const reply = await h.slash(text);
  expect(reply.status).toBe(200);
  const incident = await until(
    async () => {
      const all = await h.store.list({ limit: 1000 });
      return all.length > before && all[0]?.card ? all[0] : undefined;
    },
    10_000,
    'the incident card',
  );
  await h.flow.idle();
  return incident;
}

function failedCalls() {
  return h.api.calls.filter((c) => !c.ok);
}

describe('request verification', () => {
  it('rejects forged signatures, stale timestamps and malformed bodies, and changes nothing', async () => {
    const callsBefore = h.api.calls.length;
    const incidentsBefore = (await h.store.list({ limit: 1000 })).length;
    const body = slashBody({
      text: 'start gc-full-collection-latency job=x',
      userId: ALICE,
      channelId: CHANNEL,
      triggerId: h.api.trigger(),
      responseUrl: h.api.responseUrl(),
    });

    const forged = await sendSigned(h.port, body, { secret: 'not-the-signing-secret-0000' });
    expect(forged.status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const old = await sendSigned(h.port, body, {
      timestamp: stale,
      signature: sign(SIGNING_SECRET, stale, body),
    });
    expect(old.status).toBe(401);
    const tampered = await sendSigned(h.port, body, {
      signature: sign(SIGNING_SECRET, Math.floor(Date.now() / 1000), `${body}&x=1`),
    });
    expect(tampered.status).toBe(401);
    const garbage = await sendSigned(h.port, 'payload=%7Bnot-json');
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    const noHeaders = await request(`http://127.0.0.1:${h.port}/slack/events`, { method: 'POST', body });
    expect(noHeaders.statusCode).toBe(401);
    await noHeaders.body.text();

    await new Promise((r) => setTimeout(r, 200));
    expect(h.api.calls.length).toBe(callsBefore);
    expect((await h.store.list({ limit: 1000 })).length).toBe(incidentsBefore);
  });
});

describe('/gc-incident', () => {
  it('answers help, unknown and malformed commands with a short ephemeral message', async () => {
    const help = await h.slash('help');
    expect(JSON.parse(help.text)).toMatchObject({ response_type: 'ephemeral' });
    expect(help.text).toContain('/gc-incident start RUNBOOK_ID');
    const unknown = await h.slash('frobnicate now');
    expect(JSON.stringify(JSON.parse(unknown.text).blocks)).toContain(
      '`frobnicate` is not a gc-incident command',
    );
    const quote = await h.slash('start gc-full-collection-latency summary="unclosed');
    expect(JSON.parse(quote.text).text).toContain('quote is not closed');
  });

  it('names an unknown runbook and an invalid input, and opens nothing', async () => {
    const before = (await h.store.list({ limit: 1000 })).length;
    const missing = await h.slash('start no-such-runbook');
    const answers = await until(() =>
      h.answersTo(missing.responseUrl).length ? h.answersTo(missing.responseUrl) : undefined,
    );
    expect(String(answers[0]?.text)).toContain("no runbook 'no-such-runbook'");
    const bad = await h.slash('start gc-full-collection-latency job=bad}label');
    const badAnswers = await until(() =>
      h.answersTo(bad.responseUrl).length ? h.answersTo(bad.responseUrl) : undefined,
    );
    expect(String(badAnswers[0]?.text)).toMatch(/job/);
    expect((await h.store.list({ limit: 1000 })).length).toBe(before);
  });

  it('lists runbooks and incidents, shows status, and exports the postmortem into the thread', async () => {
    const incident = await startIncident();
    const runbooks = await h.slash('runbooks');
    const rb = await until(() => h.answersTo(runbooks.responseUrl)[0]);
    expect(JSON.stringify(rb)).toContain('gc-full-collection-latency');
    const list = await h.slash('list');
    expect(JSON.stringify(await until(() => h.answersTo(list.responseUrl)[0]))).toContain(incident.id);
    const status = await h.slash(`status ${incident.id}`);
    const shown = JSON.stringify(await until(() => h.answersTo(status.responseUrl)[0]));
    expect(shown).toContain('Detection · open · commander');
    expect(shown).toContain('*Next:*');
    expect(shown).not.toMatch(/\d\d:\d\d:\d\d\.\d{3}/);
    // Verification has not run: its checks show their operator and threshold all the same.
    expect(shown).toContain(
      'Resident memory not growing faster than 1 MiB per minute*  &lt; 1 MiB/min (not run yet)',
    );
    const here = await h.slash('status');
    expect(JSON.stringify(await until(() => h.answersTo(here.responseUrl)[0]))).toContain(incident.id);
    const exp = await h.slash('export md');
    expect(JSON.stringify(await until(() => h.answersTo(exp.responseUrl)[0]))).toContain(
      `${incident.id}-postmortem.md`,
    );
    const card = await h.card(incident.id);
    const file = h.api.files.find((f) => f.filename === `${incident.id}-postmortem.md`);
    expect(file).toMatchObject({ channel: card.channel, threadTs: card.ts });
    expect(file?.bytes).toBeGreaterThan(1000);
    // The postmortem names people: users.info was asked about the commander.
    expect(h.api.callsOf('users.info').some((c) => c.body.user === ALICE)).toBe(true);
    const html = await h.slash(`export ${incident.id} html`);
    await until(() => h.answersTo(html.responseUrl)[0]);
    expect(h.api.files.some((f) => f.filename === `${incident.id}-postmortem.html`)).toBe(true);
  });
});

describe('walking an incident with buttons', () => {
  it('posts one card, keeps it current, and puts step output in its thread', async () => {
    const incident = await startIncident();
    const card = await h.card(incident.id);
    expect(card.threadTs).toBeUndefined();
    expect(card.text).toContain(incident.id);
    expect(JSON.stringify(card.blocks)).toContain('Detection');
    // Detection checks ran by themselves; without a datasource the thread says so once, with why.
    const thread = await h.thread(incident.id);
    expect(thread.map((m) => m.text).join('\n')).toMatch(/Datasource 'default' is unavailable/);
    expect(JSON.stringify(thread)).toContain('no metrics datasource is configured');
    expect(card.updates).toBeGreaterThan(0);
    expect(failedCalls()).toEqual([]);
  });

  it('Assign to me, Skip with a reason, Done, and Next phase record who did what', async () => {
    const incident = await startIncident();
    const stepId = incident.steps[0]?.id as string;
    await h.click(ACTION.assign, `${incident.id}|${stepId}`, { user: BOB });
    let after = await h.store.load(incident.id);
    expect(after?.steps[0]?.assignee).toBe(BOB);
    expect(after?.participants).toContain(BOB);
    expect(JSON.stringify((await h.card(incident.id)).blocks)).toContain(`assigned to <@${BOB}>`);

    // Next phase is refused while detection checks are neither done nor skipped: the user is told why.
    const early = await h.click(ACTION.advance, incident.id);
    const refusal = await until(() => h.answersTo(early.responseUrl)[0]);
    expect(String(refusal.text)).toContain('must be done or skipped first');

    // Skip opens a modal asking for the reason; the submitted reason lands on the timeline.
    for (const step of incident.steps.filter((s) => s.phase === 'detection')) {
      const click = await h.click(ACTION.skip, `${incident.id}|${step.id}`);
      const opened = await until(() =>
        h.api.callsOf('views.open').find((c) => c.body.trigger_id === click.triggerId),
      );
      expect(opened.ok).toBe(true);
      const view = h.api.views.at(-1);
      expect(view?.view.callback_id).toBe('gc-incident.skip');
      await h.submit(view?.view as Record<string, unknown>, view?.id as string, {
        reason: { value: { type: 'plain_text_input', value: 'no Prometheus in this drill' } },
      });
    }
    await until(async () =>
      (await h.store.load(incident.id))?.steps
        .filter((s) => s.phase === 'detection')
        .every((s) => s.status === 'skipped')
        ? true
        : undefined,
    );
    await h.click(ACTION.advance, incident.id, { user: BOB });
    await h.flow.idle();
    after = await h.store.load(incident.id);
    expect(after?.phase).toBe('triage');
    const manual = after?.steps.find(
      (s) => s.phase === 'triage' && (s.kind === 'manual' || s.kind === 'command'),
    );
    expect(manual).toBeDefined();
    await h.click(ACTION.done, `${incident.id}|${manual?.id}`, { user: BOB });
    after = await h.store.load(incident.id);
    expect(after?.steps.find((s) => s.id === manual?.id)?.status).toBe('done');

    const timeline = await h.store.timeline(incident.id);
    expect(
      timeline
        .filter((e) => e.type === 'step.skipped')
        .every((e) => e.actor === ALICE && e.data.reason === 'no Prometheus in this drill'),
    ).toBe(true);
    expect(timeline.find((e) => e.type === 'phase.started')?.actor).toBe(BOB);
    expect(timeline.find((e) => e.type === 'step.completed' && e.data.stepId === manual?.id)?.actor).toBe(
      BOB,
    );
    // The triage thread shows the commands to copy (never executed).
    expect(JSON.stringify(await h.thread(incident.id))).toContain('never executes commands');
    expect(failedCalls()).toEqual([]);
  });

  it('a retried request and a double click change the incident once', async () => {
    const incident = await startIncident();
    const step = incident.steps.find((s) => s.phase === 'detection') as { id: string };
    const value = `${incident.id}|${step.id}`;
    const first = await h.click(ACTION.assign, value, { user: BOB });
    await h.click(ACTION.assign, value, { user: BOB, triggerId: first.triggerId, retryNum: 1 });
    await h.click(ACTION.assign, value, { user: BOB });
    const assigned = (await h.store.timeline(incident.id)).filter((e) => e.type === 'step.assigned');
    expect(assigned).toHaveLength(1);

    // A slash command retried by Slack opens one incident.
    const before = (await h.store.list({ limit: 1000 })).length;
    const triggerId = h.api.trigger();
    const body = slashBody({
      text: 'start gc-full-collection-latency job=retry',
      userId: ALICE,
      channelId: CHANNEL,
      triggerId,
      responseUrl: h.api.responseUrl(),
    });
    await sendSigned(h.port, body);
    await sendSigned(h.port, body, { retryNum: 1 });
    await h.flow.idle();
    await new Promise((r) => setTimeout(r, 200));
    await h.flow.idle();
    expect((await h.store.list({ limit: 1000 })).length).toBe(before + 1);
  });

  it('a high-risk action needs an approver: the commander or SLACK_APPROVERS, not anyone', async () => {
    const incident = await startIncident();
    const carol = 'U0CAROL001';
    const value = `${incident.id}|shift-traffic`;
    const denied = await h.click(ACTION.approve, value, { user: carol });
    // The reply's blocks mention the group (live); its fallback text is escaped like all user-facing text.
    expect(JSON.stringify((await until(() => h.answersTo(denied.responseUrl)[0])).blocks)).toMatch(
      /only the commander \(<@U0ALICE001>\), members of <!subteam\^S0SRELEADS> may approve/,
    );
    expect(
      (await h.store.load(incident.id))?.steps.find((s) => s.id === 'shift-traffic')?.approvedBy,
    ).toBeUndefined();
    // Bob is in the configured approver group.
    await h.click(ACTION.approve, value, { user: BOB });
    const approved = await h.store.load(incident.id);
    expect(approved?.steps.find((s) => s.id === 'shift-traffic')?.approvedBy).toBe(BOB);
    const event = (await h.store.timeline(incident.id)).find((e) => e.type === 'action.approved');
    expect(event?.actor).toBe(BOB);
    expect(JSON.stringify(await h.thread(incident.id))).toContain(
      'approved *Shift traffic away from the worst instances*',
    );
  });

  it('buttons on a card posted before a restart keep working', async () => {
    const incident = await startIncident();
    const card = await h.card(incident.id);
    const assign = buttonsOf(card).find((b) => b.actionId === ACTION.assign);
    expect(assign).toBeDefined();
    const updatesBefore = card.updates;
    await h.restart();
    const clicked = await h.click(ACTION.assign, assign?.value as string, { user: BOB, messageTs: card.ts });
    expect(clicked.status).toBe(200);
    const after = await h.store.load(incident.id);
    expect(after?.steps.find((s) => `${incident.id}|${s.id}` === assign?.value)?.assignee).toBe(BOB);
    expect((await h.card(incident.id)).updates).toBeGreaterThan(updatesBefore);
  });
});

describe('postmortem notes', () => {
  it('Resolved opens the notes modal; what people write lands on the timeline and in the export', async () => {
    const incident = await startIncident();
    const click = await h.click(ACTION.resolved, incident.id, { user: BOB });
    const opened = await until(() =>
      h.api.callsOf('views.open').find((c) => c.body.trigger_id === click.triggerId),
    );
    expect(opened.ok).toBe(true);
    const view = h.api.views.at(-1);
    expect(view?.view.callback_id).toBe('gc-incident.notes');
    const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
    await h.submit(
      view?.view as Record<string, unknown>,
      view?.id as string,
      {
        rootCause: text('A reference cycle through the request context'),
        wentWell: text('- the simulator\n- the runbook'),
      },
      BOB,
    );
    const after = await h.store.load(incident.id);
    expect(after?.status).toBe('resolved');
    // The state change reaches the channel as one line (reply_broadcast), not only the thread.
    const told = await until(() =>
      h.api.messages.find((m) => m.broadcast && m.threadTs && m.text.includes('resolved')),
    );
    expect(told.text).toContain(incident.id);
    expect(told.blocks).toHaveLength(1);
    expect(after?.notes).toEqual({
      rootCause: 'A reference cycle through the request context',
      wentWell: ['the simulator', 'the runbook'],
    });
    const event = (await h.store.timeline(incident.id)).find((e) => e.type === 'postmortem.noted');
    expect(event?.actor).toBe(BOB);
    // The card offers the notes again.
    expect(buttonsOf(await h.card(incident.id)).some((b) => b.actionId === ACTION.notes)).toBe(true);
  });
});

describe('modal and shortcut', () => {
  it('/gc-incident alone opens the start modal; picking a runbook shows its inputs; submitting starts it', async () => {
    const reply = await h.slash('');
    const open = await until(() =>
      h.api.callsOf('views.open').find((c) => c.body.trigger_id === reply.triggerId),
    );
    expect(open.ok).toBe(true);
    const view = h.api.views.at(-1);
    expect(view?.view.callback_id).toBe('gc-incident.start');
    // Picking a runbook (dispatch_action) re-renders the modal with that runbook's inputs.
    const payload = {
      type: 'block_actions',
      team: { id: 'T00000001', domain: 'example' },
      user: { id: ALICE, username: 'alice', name: 'alice', team_id: 'T00000001' },
      api_app_id: 'A00000001',
      token: 't',
      container: { type: 'view', view_id: view?.id },
      trigger_id: h.api.trigger(),
      view: { ...view?.view, id: view?.id, hash: view?.hash, state: { values: {} } },
      actions: [
        {
          type: 'static_select',
          action_id: ACTION.pickRunbook,
          block_id: 'runbook',
          selected_option: { text: { type: 'plain_text', text: 'x' }, value: 'gc-full-collection-latency' },
          action_ts: '1',
        },
      ],
    };
    await sendSigned(h.port, payloadBody(payload));
    await until(() =>
      JSON.stringify(h.api.views.find((v) => v.id === view?.id)?.view).includes('input:job')
        ? true
        : undefined,
    );
    const updated = h.api.views.find((v) => v.id === view?.id)?.view as Record<string, unknown>;

    // An input that breaks its pattern is refused on the field, and the modal stays open.
    const values = (job: string) => ({
      runbook: {
        [ACTION.pickRunbook]: {
          type: 'static_select',
          selected_option: { value: 'gc-full-collection-latency' },
        },
      },
      service: { value: { type: 'plain_text_input', value: 'payments' } },
      severity: { value: { type: 'static_select', selected_option: { value: 'sev2' } } },
      summary: { value: { type: 'plain_text_input', value: 'p99 at 2 s since 14:00' } },
      'input:job': { value: { type: 'plain_text_input', value: job } },
    });
    const refused = await h.submit(updated, view?.id as string, values('no spaces allowed'));
    expect(JSON.parse(refused.text)).toMatchObject({ response_action: 'errors' });
    expect(JSON.parse(refused.text).errors['input:job']).toMatch(/job/);

    const before = (await h.store.list({ limit: 1000 })).length;
    const ok = await h.submit(updated, view?.id as string, values('payments'));
    expect(ok.status).toBe(200);
    const incident = await until(async () => {
      const all = await h.store.list({ limit: 1000 });
      return all.length > before && all[0]?.card ? all[0] : undefined;
    });
    expect(incident.severity).toBe('sev2');
    expect(incident.service).toBe('payments');
    expect(incident.inputs.job).toBe('payments');
    const timeline = await h.store.timeline(incident.id);
    expect(timeline.some((e) => e.type === 'note.added' && String(e.data.text).includes('p99 at 2 s'))).toBe(
      true,
    );
    await h.flow.idle();
  });

  it('the message shortcut opens the same modal and links the message as the trigger', async () => {
    const shortcut = await h.shortcut('1700000000.123456');
    expect(shortcut.status).toBe(200);
    await until(() => h.api.callsOf('views.open').find((c) => c.body.trigger_id === shortcut.triggerId));
    const view = h.api.views.at(-1);
    const before = (await h.store.list({ limit: 1000 })).length;
    await h.submit(view?.view as Record<string, unknown>, view?.id as string, {
      runbook: {
        [ACTION.pickRunbook]: {
          type: 'static_select',
          selected_option: { value: 'gc-thrash-allocation-churn' },
        },
      },
      service: { value: { type: 'plain_text_input', value: 'search' } },
      severity: { value: { type: 'static_select', selected_option: { value: 'sev3' } } },
      'input:job': { value: { type: 'plain_text_input', value: 'search' } },
    });
    const incident = await until(async () => {
      const all = await h.store.list({ limit: 1000 });
      return all.length > before && all[0]?.card ? all[0] : undefined;
    });
    expect(incident.trigger).toBe('https://example.slack.com/archives/C0INCIDENT1/p1700000000123456');
    expect(JSON.stringify((await h.card(incident.id)).blocks)).toContain('p1700000000123456');
    await h.flow.idle();
  });
});

describe('Slack Web API failures', () => {
  it('a rate-limited post is retried after Retry-After and the card still arrives', async () => {
    h.api.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const incident = await startIncident();
    expect(h.api.callsOf('chat.postMessage').some((c) => c.error === 'ratelimited')).toBe(true);
    expect((await h.card(incident.id)).text).toContain(incident.id);
  });

  it('an unknown channel or a missing invitation is explained to the user', async () => {
    const reply = await h.slash('start gc-full-collection-latency job=checkout', ALICE, 'C0NOWHERE01');
    const answer = await until(() => h.answersTo(reply.responseUrl)[0]);
    expect(String(answer.text)).toContain('/invite @gc-incident');
    // A public channel the bot is not in: it joins by itself and posts.
    h.api.channels.set('C0PUBLIC001', false);
    const joined = await h.slash('start gc-full-collection-latency job=checkout', ALICE, 'C0PUBLIC001');
    await until(() => h.api.callsOf('conversations.join').find((c) => c.ok));
    await h.flow.idle();
    expect(h.answersTo(joined.responseUrl)).toEqual([]);
    expect(h.api.messages.some((m) => m.channel === 'C0PUBLIC001' && !m.threadTs)).toBe(true);
  });
});

describe('operations', () => {
  it('/healthz reports the store; /metrics counts commands and ack latency', async () => {
    const health = await request(`http://127.0.0.1:${h.port}/healthz`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toMatchObject({ status: 'ok', checks: { store: { ok: true } } });
    const metrics = await request(`http://127.0.0.1:${h.port}/metrics`);
    const text = await metrics.body.text();
    expect(text).toMatch(/gc_incident_slack_commands_total\{command="start",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/gc_incident_slack_ack_seconds_count\{kind="slack"\} [1-9]/);
    expect(text).toMatch(
      /gc_incident_slack_api_errors_total\{method="chat.postMessage",error="channel_not_found"\} 1/,
    );
  });

  it('logs are JSON and never contain the bot token or the signing secret', () => {
    expect(h.logs.length).toBeGreaterThan(10);
    for (const line of h.logs) expect(() => JSON.parse(line)).not.toThrow();
    const all = h.logs.join('');
    expect(all).not.toContain(h.api.token);
    expect(all).not.toContain(SIGNING_SECRET);
  });
});

describe('simulations from Slack', () => {
  it('/gc-incident simulate runs in a worker with progress, then posts the table and chart in the thread', async () => {
    const reply = await h.slash('simulate full-collection-latency freeze threshold=50000,20,100');
    expect(reply.status).toBe(200);
    const root = h.api.messages
      .filter((m) => m.channel === CHANNEL && !m.threadTs && m.text.includes('full-collection-latency'))
      .at(-1);
    expect(root?.text).toContain('100%');
    const thread = h.api.threadOf(CHANNEL, root?.ts as string);
    const table = JSON.stringify(thread);
    expect(table).toContain('baseline');
    expect(table).toContain('freeze');
    expect(table).toContain('threshold=50000,20,100');
    expect(
      h.api.files.some((f) => f.threadTs === root?.ts && f.filename === 'simulation.png' && f.bytes > 1000),
    ).toBe(true);
  });

  it('refuses a path outside the workload folder and an unknown what-if, saying why', async () => {
    const traversal = await h.slash('simulate ../../etc/passwd');
    expect(String(h.answersTo(traversal.responseUrl)[0]?.text)).toContain(
      'neither a workload name nor RUNBOOK_ID/STEP_ID',
    );
    const whatIf = await h.slash('simulate full-collection-latency turbo');
    expect(String(h.answersTo(whatIf.responseUrl)[0]?.text)).toMatch(/turbo/);
  });
});
