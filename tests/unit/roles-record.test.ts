/**
 * Roles and the record, unit by unit: the slash command parser, Slack markup to text, the
 * engine's decisions (assign, hand over, pin, unpin), role resolution for follow-ups and
 * approvals (with the commander standing in), the runbook shorthand, and the renderers
 * (Block Kit, Markdown, HTML) escaping what people wrote.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { ownerOf, runbookFollowUps } from '../../src/core/followups/plan.js';
import { mayApprove } from '../../src/core/incident/driver/approvals.js';
import type { Incident } from '../../src/core/incident/model.js';
import { describeRole, holderOf } from '../../src/core/incident/roles.js';
import { buildPostmortem } from '../../src/core/postmortem/build.js';
import { renderHtml } from '../../src/core/postmortem/render-html.js';
import { renderMarkdown } from '../../src/core/postmortem/render-markdown.js';
import { noteNotice, pinnedNotice, roleNotice, rolesLine, rolesModal } from '../../src/slack/blocks/roles.js';
import { parseSlashText } from '../../src/slack/command-parser.js';
import { slackTextToPlain, tsToIso } from '../../src/slack/slack-text.js';
import { openTestIncident } from '../helpers/engine.js';
import { lineOf, RUNBOOKS_DIR, validateText } from '../helpers/runbooks.js';

const BOB = 'U0BOB00001';

async function fresh() {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-roles-')), 'gc.db'));
  await store.migrate();
  return { store, ...(await openTestIncident(store, 'gc-cyclic-garbage-growth')) };
}

describe('/gc-incident role and note', () => {
  it('parses a role in either order, with aliases and an optional incident id', () => {
    expect(parseSlashText(`role <@${BOB}|bob> owner`)).toEqual({
      kind: 'role',
      incidentId: undefined,
      role: 'service-owner',
      user: BOB,
    });
    expect(parseSlashText(`role ic ${BOB}`)).toMatchObject({ role: 'commander', user: BOB });
    expect(parseSlashText(`role gc-2026-0007 scribe <@${BOB}>`)).toMatchObject({
      incidentId: 'GC-2026-0007',
      role: 'scribe',
    });
    expect(parseSlashText(`roles <@${BOB}> responders`)).toMatchObject({ role: 'responder' });
  });

  it('says what is wrong with a role command', () => {
    const problem = (text: string) => {
      const r = parseSlashText(text);
      return r.kind === 'invalid' ? r.problem : `parsed as ${r.kind}`;
    };
    expect(problem('role owner')).toContain('role @someone owner');
    expect(problem(`role <@${BOB}> chef`)).toContain('`chef`');
    expect(problem('role @bob owner')).toContain('pick the person from the @ list');
    expect(problem(`role <@${BOB}> owner scribe`)).toContain('`scribe`');
    // Nothing from the text reaches the answer unescaped: backticks and brackets are dropped.
    expect(problem('role `<!here>` owner')).not.toMatch(/<!here>|`<!/);
  });

  it('takes a note as written (apostrophes, quotes), with or without an incident id', () => {
    expect(parseSlashText(`note it's the "nightly" import`)).toEqual({
      kind: 'note',
      incidentId: undefined,
      text: `it's the "nightly" import`,
    });
    expect(parseSlashText('note GC-2026-0003 moved to 02:00')).toEqual({
      kind: 'note',
      incidentId: 'GC-2026-0003',
      text: 'moved to 02:00',
    });
    expect(parseSlashText('note   ').kind).toBe('invalid');
    expect(parseSlashText('notes are here').kind).toBe('invalid');
  });
});

describe('Slack text for the record', () => {
  it('resolves mentions, channels and links, and decodes entities', () => {
    expect(
      slackTextToPlain(
        '<@U1|ann> in <#C1|inc>: see <https://x.example/a|the graph> &amp; <https://y.example> &lt;b&gt; <!here>',
      ),
    ).toBe('@ann in #inc: see the graph (https://x.example/a) & https://y.example <b> @here');
    expect(slackTextToPlain('<@U0BOB00001>')).toBe('@U0BOB00001');
    expect(slackTextToPlain('red \u001b[31malert\u001b[0m\nnext line')).toBe('red [31malert[0m\nnext line');
    expect(tsToIso('1763647380.000100')).toBe('2025-11-20T14:03:00.000Z');
  });
});

describe('the engine: roles, handovers, pins', () => {
  it('assigns, hands over, refuses what is not a person; responders join', async () => {
    const { service, incident, store } = await fresh();
    const first = await service.execute(incident.id, {
      type: 'assign-role',
      role: 'service-owner',
      person: BOB,
      actor: 'U0CMD',
    });
    expect(first.events[0]?.data).toEqual({ role: 'service-owner', before: null, after: BOB });
    const again = await service.execute(incident.id, {
      type: 'assign-role',
      role: 'service-owner',
      person: BOB,
      actor: 'U0CMD',
    });
    expect(again.events).toHaveLength(0);
    const handover = await service.execute(incident.id, {
      type: 'assign-role',
      role: 'commander',
      person: BOB,
      actor: 'U0CMD',
    });
    expect(handover.incident.commander).toBe(BOB);
    expect(handover.events[0]?.data).toMatchObject({ before: 'U0CMD', after: BOB });
    const joined = await service.execute(incident.id, {
      type: 'assign-role',
      role: 'responder',
      person: 'U0DAVE0001',
      actor: BOB,
    });
    expect(joined.incident.participants).toContain('U0DAVE0001');
    await expect(
      service.execute(incident.id, { type: 'assign-role', role: 'scribe', person: 'a\u202Eb', actor: BOB }),
    ).rejects.toMatchObject({ code: 'USAGE' });
    await store.close();
  });

  it('pins once, unpins once; the fold rebuilds the same state', async () => {
    const { service, incident, store } = await fresh();
    const pin = {
      type: 'pin-message' as const,
      channel: 'C1',
      ts: '1.000100',
      author: BOB,
      text: '  the batch job  ',
      postedAt: '2026-11-23T10:00:00.000Z',
      actor: BOB,
    };
    expect((await service.execute(incident.id, pin)).incident.pinned?.[0]).toMatchObject({
      text: 'the batch job',
      pinnedBy: BOB,
    });
    expect((await service.execute(incident.id, pin)).events).toHaveLength(0);
    const unpin = { type: 'unpin-message' as const, channel: 'C1', ts: '1.000100', actor: BOB };
    expect((await service.execute(incident.id, unpin)).incident.pinned).toEqual([]);
    expect((await service.execute(incident.id, unpin)).events).toHaveLength(0);
    const long = await service.execute(incident.id, { ...pin, text: 'x'.repeat(5000) });
    expect(long.incident.pinned?.[0]?.text.length).toBe(3000);
    const { fold } = await import('../../src/core/incident/apply.js');
    expect(fold(await store.timeline(incident.id))).toEqual(await store.load(incident.id));
    await store.close();
  });
});

describe('roles in runbooks', () => {
  it('follow-ups go to the role holder; unassigned, to the commander, marked', async () => {
    const { incident, runbook, store } = await fresh();
    const item = runbook.followUp.items.find((i) => i.id === 'fix-cycle');
    if (!item) throw new Error('no fix-cycle');
    expect(ownerOf(item, incident)).toEqual({ owner: 'U0CMD', role: 'service-owner', unassigned: true });
    const owned: Incident = { ...incident, roles: { 'service-owner': BOB } };
    expect(ownerOf(item, owned)).toEqual({ owner: BOB, role: 'service-owner', unassigned: false });
    expect(ownerOf({ ...item, owner: 'scribe' }, owned)).toMatchObject({ owner: 'U0CMD', unassigned: true });
    const commands = runbookFollowUps(runbook, owned, new Date('2026-11-23T10:00:00Z'), 'U0CMD');
    expect(commands.map((c) => c.type === 'add-followup' && [c.owner, c.ownerRole])).toEqual([
      [BOB, 'service-owner'],
      [BOB, 'service-owner'],
      ['U0CMD', 'commander'],
      ['U0CMD', 'commander'],
    ]);
    expect(holderOf(incident, 'responder')).toEqual({ person: 'U0CMD', fallback: true });
    await store.close();
  });

  it('approvers by role: the holder may approve; unassigned, the commander, and the refusal says so', async () => {
    const { incident, store } = await fresh();
    const none = async () => [];
    const approvers = ['service-owner' as const, { role: 'scribe' as const }];
    const refused = await mayApprove({ id: BOB }, incident, approvers, [], none);
    expect(refused.allowed).toBe(false);
    expect(refused.allowedText).toBe(
      'the service owner (not assigned: the commander stands in), the scribe (not assigned: the commander stands in)',
    );
    expect((await mayApprove({ id: 'U0CMD' }, incident, approvers, [], none)).allowed).toBe(true);
    const owned: Incident = { ...incident, roles: { 'service-owner': BOB } };
    expect((await mayApprove({ id: BOB }, owned, approvers, [], none)).allowed).toBe(true);
    // Once the scribe is named too, the commander no longer stands in for either.
    const both: Incident = { ...owned, roles: { 'service-owner': BOB, scribe: 'U0SCRIBE01' } };
    expect((await mayApprove({ id: 'U0CMD' }, both, approvers, [], none)).allowed).toBe(false);
    expect(describeRole(both, 'service-owner')).toBe('the service owner');
    await store.close();
  });

  it('the schema takes the short form (owner: service-owner, approvers: [service-owner, commander]) and refuses unknown roles', () => {
    const original = readFileSync(join(RUNBOOKS_DIR, 'gc-cyclic-garbage-growth.yaml'), 'utf8');
    const short = original
      .replace(
        /approvers:\n\s+- role: commander\n\s+- role: service-owner/,
        'approvers: [service-owner, commander]',
      )
      .replace(/owner:\n\s+role: service-owner/g, 'owner: service-owner');
    expect(short).not.toBe(original);
    expect(short).toContain('owner: service-owner');
    expect(validateText(short)).toEqual([]);
    const wrong = short.replace('owner: service-owner', 'owner: chef');
    const problems = validateText(wrong);
    expect(problems.map((p) => [p.line, p.message])).toContainEqual([
      lineOf(wrong, 'owner: chef'),
      expect.stringContaining('commander, service-owner, scribe, responder'),
    ]);
  });
});

describe('renderers', () => {
  const base = async () => {
    const { incident, store } = await fresh();
    await store.close();
    return incident;
  };

  it('the card line, the modal and thread lines escape what people wrote', async () => {
    const incident = { ...(await base()), roles: { scribe: 'cli:<!channel>' } };
    const line = rolesLine(incident);
    expect(line).toContain('*Commander* <@U0CMD>');
    expect(line).toContain('*Scribe* cli:&lt;!channel&gt;');
    expect(line).toContain('*Service owner* _not assigned_');
    expect(line).toContain('the commander stands in');
    const modal = rolesModal(incident, 'scribe');
    expect(modal.callback_id).toBe('gc-incident.roles');
    expect(modal.private_metadata).toBe(incident.id);
    expect(JSON.stringify(modal.blocks)).toContain('"initial_option"');
    expect(JSON.stringify(modal.blocks)).toContain('users_select');
    const pin = {
      channel: 'C1',
      ts: '1.0',
      author: 'some-bot <!here>',
      text: 'restart <!channel> & see <https://evil|x>',
      postedAt: '2026-11-23T10:00:00.000Z',
      permalink: 'javascript:alert(1)',
      pinnedBy: BOB,
      pinnedAt: '2026-11-23T10:00:00.000Z',
    };
    const notice = JSON.stringify(pinnedNotice(pin, true));
    expect(notice).not.toMatch(/<!here>|<!channel>|<https:\/\/evil|javascript:/);
    expect(notice).toContain('&lt;!channel&gt; &amp; see');
    expect(JSON.stringify(noteNotice('<!here> ping', BOB))).not.toContain('<!here>');
    expect(JSON.stringify(roleNotice('service-owner', 'U0A0000001', BOB, 'U0CMD'))).toContain(
      'handed the service owner role over: <@U0A0000001> → <@U0BOB00001>',
    );
  });

  it('Markdown and HTML postmortems show roles, handovers and pins, escaped', async () => {
    const incident: Incident = {
      ...(await base()),
      roles: { 'service-owner': BOB },
      pinned: [
        {
          channel: 'C1',
          ts: '1.0',
          author: BOB,
          text: '<img src=x onerror=alert(1)> | [x](javascript:alert(1))',
          postedAt: '2026-11-23T10:01:00.000Z',
          permalink: 'https://example.slack.com/archives/C1/p10',
          pinnedBy: 'U0CMD',
          pinnedAt: '2026-11-23T10:02:00.000Z',
        },
      ],
    };
    const timeline = [
      {
        seq: 2,
        incidentId: incident.id,
        at: '2026-11-23T10:00:30.000Z',
        actor: 'U0CMD',
        type: 'role.assigned' as const,
        data: { role: 'service-owner', before: null, after: BOB },
      },
    ];
    const pm = buildPostmortem(incident, timeline, { generatedAt: '2026-11-24T00:00:00.000Z' });
    expect(pm.roleChanges).toEqual([
      { at: '2026-11-23T10:00:30.000Z', role: 'service-owner', from: null, to: BOB, by: 'U0CMD' },
    ]);
    const md = renderMarkdown(pm, { names: { [BOB]: 'Bob Chen' } });
    expect(md).toContain('| Service owner | Bob Chen |');
    expect(md).toContain('| 2026-11-23 10:00 UTC | service owner | — | Bob Chen | U0CMD |');
    expect(md).toContain('&lt;img src=x onerror=alert(1)> \\| [x]\\(javascript:alert(1))');
    expect(md).toContain('[message](https://example.slack.com/archives/C1/p10)');
    const html = renderHtml(pm);
    expect(html).not.toMatch(/<img|href="javascript/);
    expect(html).toContain('<a href="https://example.slack.com/archives/C1/p10">message</a>');
  });
});
