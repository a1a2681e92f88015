/**
 * Taking a role back, approvals by role and how role messages name people, unit by unit: the
 * slash grammar (`role owner none`, `role unassign owner`), the engine (role.unassigned, open
 * follow-ups back to the commander, the commander never left out), the postmortem (a role
 * taken back, valid against its schema), the approval verdict (the role that allowed, who
 * holds what, how to get the role) and the Slack lines (mentions live, typed names escaped).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundledSchemas } from '../../src/adapters/fs/package-files.js';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { runbookFollowUps } from '../../src/core/followups/plan.js';
import { fold } from '../../src/core/incident/apply.js';
import { describeEvent } from '../../src/core/incident/describe-event.js';
import { type ApprovalVerdict, mayApprove, roleHint } from '../../src/core/incident/driver/approvals.js';
import type { Incident } from '../../src/core/incident/model.js';
import { type NotApprovedFacts, refusalText } from '../../src/core/incident/refusals.js';
import { holderOf } from '../../src/core/incident/roles.js';
import { buildPostmortem } from '../../src/core/postmortem/build.js';
import { renderMarkdown } from '../../src/core/postmortem/render-markdown.js';
import { createAjv } from '../../src/core/schema-validator.js';
import { roleNotice, rolesLine, roleTakenBackNotice } from '../../src/slack/blocks/roles.js';
import { parseSlashText } from '../../src/slack/command-parser.js';
import { approversMrkdwn, refusalMrkdwn } from '../../src/slack/refusal-text.js';
import { openTestIncident } from '../helpers/engine.js';

const BOB = 'U0BOB00001';
const CMD = 'U0CMD';

async function fresh() {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-unassign-')), 'gc.db'));
  await store.migrate();
  return { store, ...(await openTestIncident(store, 'gc-cyclic-garbage-growth')) };
}

describe('/gc-incident role … none', () => {
  it('parses `none`, `nobody` and `unassign` in place of the person, with or without an incident id', () => {
    expect(parseSlashText('role owner none')).toEqual({
      kind: 'unassign-role',
      incidentId: undefined,
      role: 'service-owner',
    });
    expect(parseSlashText('role unassign scribe')).toMatchObject({ kind: 'unassign-role', role: 'scribe' });
    expect(parseSlashText('role gc-2026-0007 commander nobody')).toEqual({
      kind: 'unassign-role',
      incidentId: 'GC-2026-0007',
      role: 'commander',
    });
  });

  it('refuses a person and `none` together, and `none` without a role', () => {
    const problem = (text: string) => {
      const r = parseSlashText(text);
      return r.kind === 'invalid' ? r.problem : `parsed as ${r.kind}`;
    };
    expect(problem(`role <@${BOB}> owner none`)).toContain('not both');
    expect(problem('role none')).toContain('role owner none');
    expect(problem('role owner none none')).toContain('`none`');
  });
});

describe('the engine takes a role back', () => {
  it('records role.unassigned, gives the open items back to the commander, and replays to the same state', async () => {
    const { service, incident, runbook, store, clock } = await fresh();
    await service.execute(incident.id, {
      type: 'assign-role',
      role: 'service-owner',
      person: BOB,
      actor: CMD,
    });
    const owned = await store.load(incident.id);
    if (!owned) throw new Error('no incident');
    for (const command of runbookFollowUps(runbook, owned, clock.now(), CMD))
      await service.execute(incident.id, command);
    const done = (await store.load(incident.id))?.followUps[0];
    if (!done) throw new Error('no follow-up');
    await service.execute(incident.id, {
      type: 'update-followup',
      itemId: done.id,
      change: { status: 'done' },
      actor: BOB,
    });

    const taken = await service.execute(incident.id, {
      type: 'unassign-role',
      role: 'service-owner',
      actor: CMD,
    });
    expect(taken.events.map((e) => e.type)).toEqual(['role.unassigned', 'followup.changed']);
    expect(taken.events[0]?.data).toEqual({ role: 'service-owner', before: BOB });
    expect(taken.incident.roles?.['service-owner']).toBeUndefined();
    expect(holderOf(taken.incident, 'service-owner')).toEqual({ person: CMD, fallback: true });
    // The open item goes back to the commander, marked; the done one stays with Bob.
    expect(taken.incident.followUps.map((f) => [f.owner, f.status, f.roleUnassigned ?? false])).toEqual([
      [BOB, 'done', false],
      [CMD, 'open', true],
      [CMD, 'open', false],
      [CMD, 'open', false],
    ]);
    expect(describeEvent(taken.events[0] as never)).toBe(
      `service owner unassigned (was ${BOB}); the commander stands in`,
    );
    // Taking back a role nobody holds records nothing.
    const again = await service.execute(incident.id, {
      type: 'unassign-role',
      role: 'service-owner',
      actor: CMD,
    });
    expect(again.events).toHaveLength(0);
    expect(fold(await store.timeline(incident.id))).toEqual(await store.load(incident.id));
    await store.close();
  });

  it('never leaves an incident without a commander, and does not take back responders', async () => {
    const { service, incident, store } = await fresh();
    await expect(
      service.execute(incident.id, { type: 'unassign-role', role: 'commander', actor: CMD }),
    ).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      message: expect.stringContaining('always has a commander: hand the role over'),
    });
    await expect(
      service.execute(incident.id, { type: 'unassign-role', role: 'responder', actor: CMD }),
    ).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    expect((await store.load(incident.id))?.commander).toBe(CMD);
    expect(await store.timeline(incident.id)).toHaveLength(1);
    await store.close();
  });

  it('the postmortem shows the role taken back, and its JSON follows the schema', async () => {
    const { service, incident, store } = await fresh();
    await service.execute(incident.id, { type: 'assign-role', role: 'scribe', person: BOB, actor: CMD });
    const { incident: after } = await service.execute(incident.id, {
      type: 'unassign-role',
      role: 'scribe',
      actor: CMD,
    });
    const pm = buildPostmortem(after, await store.timeline(incident.id), {
      generatedAt: '2026-11-24T00:00:00.000Z',
    });
    expect(pm.roleChanges.map((c) => [c.role, c.from, c.to, c.by])).toEqual([
      ['scribe', null, BOB, CMD],
      ['scribe', BOB, null, CMD],
    ]);
    const md = renderMarkdown(pm, { names: { [BOB]: 'Bob Chen' } });
    expect(md).toMatch(/\| scribe \| Bob Chen \| nobody \(taken back\) \| U0CMD \|/);
    const validate = createAjv(loadBundledSchemas()).getSchema(
      'https://gc-incident.dev/schemas/postmortem.schema.json',
    );
    if (!validate) throw new Error('the postmortem schema is not bundled');
    const doc = JSON.parse(JSON.stringify(pm));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    await store.close();
  });
});

describe('approvals by role', () => {
  const none = async () => [];

  it('records the role that allowed the approver and names who holds each role', async () => {
    const { incident, store } = await fresh();
    await store.close();
    const approvers = [{ role: 'commander' as const }, { role: 'service-owner' as const }];
    const unowned = await mayApprove({ id: BOB }, incident, approvers, [], none);
    expect(unowned).toMatchObject({ allowed: false, roles: ['commander', 'service-owner'] });
    expect(approversMrkdwn(unowned.approvers)).toBe(
      `the commander (<@${CMD}>), the service owner (not assigned: the commander stands in)`,
    );
    expect(unowned.allowedText).toBe(
      `the commander (${CMD}), the service owner (not assigned: the commander stands in)`,
    );
    // The commander stands in for the service owner, but is allowed as the commander first.
    expect((await mayApprove({ id: CMD }, incident, approvers, [], none)).as).toBe('commander');
    const owned: Incident = { ...incident, roles: { 'service-owner': BOB } };
    const allowed = await mayApprove({ id: BOB }, owned, approvers, [], none);
    expect(allowed).toMatchObject({ allowed: true, as: 'service-owner' });
    // A configured approver is allowed as no role.
    const configured = await mayApprove({ id: 'U0SRE00001' }, incident, approvers, ['U0SRE00001'], none);
    expect(configured).toMatchObject({ allowed: true, as: undefined });
  });

  it('says how to get the role, with terminal names escaped for Slack', async () => {
    const { incident, store } = await fresh();
    await store.close();
    const approvers = ['service-owner' as const];
    const refused = await mayApprove({ id: BOB }, incident, approvers, [], none);
    const facts = refusalFacts(incident, refused);
    expect(facts.ask).toEqual({ kind: 'ask-commander', commander: CMD, role: 'service-owner' });
    expect(refusalMrkdwn(facts)).toContain(
      `. To approve, ask the commander (<@${CMD}>) for the service owner role: \`/gc-incident role ${incident.id} @you owner\``,
    );
    expect(refusalText(facts)).toContain(
      `; to approve, ask the commander (${CMD}) for the service owner role`,
    );
    const terminal: Incident = {
      ...incident,
      commander: 'cli:<!channel>',
      roles: { 'service-owner': 'cli:*eve* <@U0EVIL0001>' },
    };
    const byName = await mayApprove({ id: BOB }, terminal, approvers, [], none);
    expect(approversMrkdwn(byName.approvers)).toBe('the service owner (cli:*eve* &lt;@U0EVIL0001&gt;)');
    expect(refusalMrkdwn(refusalFacts(terminal, byName))).toContain('(cli:&lt;!channel&gt;)');
    // Named users only: there is no role to ask for.
    const users = await mayApprove({ id: BOB }, incident, [{ user: 'U0CAROL001' }], [], none);
    expect(roleHint(incident, users)).toBeUndefined();
  });
});

describe('role lines in Slack', () => {
  it('Slack users are mentions; names typed in the terminal stay text', () => {
    const taken = JSON.stringify(roleTakenBackNotice('scribe', BOB, CMD));
    expect(taken).toContain(`<@${CMD}> took the scribe role back from <@${BOB}>`);
    const typed = JSON.stringify(roleTakenBackNotice('scribe', 'cli:<!here> *x*', 'cli:_y_ <#C1>').blocks);
    expect(typed).not.toMatch(/<!here>|<#C1>/);
    expect(typed).toContain('cli:_y_ &lt;#C1&gt; took the scribe role back from cli:&lt;!here&gt; *x*');
    const assigned = JSON.stringify(roleNotice('service-owner', null, 'cli:<@U0EVIL0001>', CMD).blocks);
    expect(assigned).toContain(`(assigned by <@${CMD}>)`);
    expect(assigned).not.toContain('<@U0EVIL0001>');
  });

  it('the card line after a role is taken back says the commander stands in', async () => {
    const { incident, store } = await fresh();
    await store.close();
    expect(rolesLine({ ...incident, roles: {} })).toContain('*Service owner* _not assigned_');
    expect(rolesLine({ ...incident, roles: {} })).toContain('the commander stands in');
  });
});

/** The refusal the driver throws for this verdict (driver.ts approve). */
function refusalFacts(incident: Incident, verdict: ApprovalVerdict): NotApprovedFacts {
  return {
    code: 'NOT_APPROVED',
    incidentId: incident.id,
    stepId: 'rollback',
    stepTitle: 'Roll back',
    user: BOB,
    approvers: verdict.approvers,
    ask: roleHint(incident, verdict),
  };
}
