/**
 * Who may change roles: the decision table (who × role × change), the engine refusing on the
 * stored incident with a coded error and recording nothing, an alert's incident that someone
 * takes command of, what the driver looks up (named approvers, roles that approve), and the
 * terminal's order (a commander handover after the other roles).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { parseRoleOptions } from '../../src/cli/walk/roles-option.js';
import { mayApprove, roleHint } from '../../src/core/incident/driver/approvals.js';
import type { DriverDeps } from '../../src/core/incident/driver/context.js';
import { authorityOf } from '../../src/core/incident/driver/roles.js';
import type { Incident } from '../../src/core/incident/model.js';
import {
  mayChangeRole,
  NO_AUTHORITY,
  NOT_PEOPLE,
  type RoleAuthority,
  type RoleChange,
} from '../../src/core/incident/role-permissions.js';
import { IncidentService } from '../../src/core/incident/service.js';
import { errorMrkdwn } from '../../src/slack/error-text.js';
import { ALERTMANAGER } from '../../src/slack/flow/deps.js';
import { refusalMrkdwn } from '../../src/slack/refusal-text.js';
import { FakeClock, openTestIncident, shippedRunbook } from '../helpers/engine.js';

const CMD = 'U0CMD';
const BOB = 'U0BOB00001'; // the service owner
const CAROL = 'U0CAROL001'; // the scribe, where there is one
const EVE = 'U0EVE00001'; // in the channel, no role
const DAVE = 'U0DAVE0001';
const APPROVER = 'U0APPROVER';

async function fresh() {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-roles-perm-')), 'gc.db'));
  await store.migrate();
  return { store, ...(await openTestIncident(store, 'gc-cyclic-garbage-growth')) };
}

/** The runbook says which roles approve; scribe is not one of them in the shipped runbooks. */
const RUNBOOK: RoleAuthority = { approver: false, approvalRoles: ['commander', 'service-owner'] };
const AS_APPROVER: RoleAuthority = { ...RUNBOOK, approver: true };
const SCRIBE_APPROVES: RoleAuthority = { ...RUNBOOK, approvalRoles: ['commander', 'scribe'] };

const assign = (role: RoleChange['role'], person: string): RoleChange => ({ kind: 'assign', role, person });
const unassign = (role: RoleChange['role']): RoleChange => ({ kind: 'unassign', role });

describe('who may change roles: the decision table', () => {
  it('an incident someone commands: the commander and approvers give roles; others only serve themselves', async () => {
    const { incident, store } = await fresh();
    await store.close();
    const base: Incident = { ...incident, commander: CMD, roles: { 'service-owner': BOB } };
    const withScribe: Incident = { ...base, roles: { 'service-owner': BOB, scribe: CAROL } };
    // [incident, who, change, authority, expected: the grant, or 'refused']
    const table: [Incident, string, RoleChange, RoleAuthority, string][] = [
      // The commander: anything, including handing over command.
      [base, CMD, assign('service-owner', EVE), RUNBOOK, 'commander'],
      [base, CMD, assign('commander', EVE), RUNBOOK, 'commander'],
      [base, CMD, assign('scribe', DAVE), RUNBOOK, 'commander'],
      [base, CMD, unassign('service-owner'), RUNBOOK, 'commander'],
      // A named approver (SLACK_APPROVERS, a user or group the runbook names): the same.
      [base, APPROVER, assign('service-owner', APPROVER), AS_APPROVER, 'approver'],
      [base, APPROVER, assign('commander', DAVE), AS_APPROVER, 'approver'],
      [base, APPROVER, unassign('service-owner'), AS_APPROVER, 'approver'],
      // The bypass: someone in the channel gives themselves a role that approves.
      [base, EVE, assign('service-owner', EVE), RUNBOOK, 'refused'],
      [base, EVE, assign('commander', EVE), RUNBOOK, 'refused'],
      [base, EVE, assign('service-owner', DAVE), RUNBOOK, 'refused'],
      [base, EVE, unassign('service-owner'), RUNBOOK, 'refused'],
      // Responders are everyone who joined, and anyone may join.
      [base, EVE, assign('responder', EVE), RUNBOOK, 'responder'],
      [base, EVE, assign('responder', DAVE), RUNBOOK, 'responder'],
      // The scribe approves nothing here: anyone may take the seat while it is empty, for themselves.
      [base, EVE, assign('scribe', EVE), RUNBOOK, 'empty-scribe-seat'],
      [base, EVE, assign('scribe', DAVE), RUNBOOK, 'refused'],
      [withScribe, EVE, assign('scribe', EVE), RUNBOOK, 'refused'],
      [base, EVE, assign('scribe', EVE), SCRIBE_APPROVES, 'refused'],
      // Without word from the driver, the scribe is treated as a role that may approve.
      [base, EVE, assign('scribe', EVE), NO_AUTHORITY, 'refused'],
      // A role holder steps down from their own role, and only that.
      [base, BOB, unassign('service-owner'), RUNBOOK, 'step-down'],
      [withScribe, CAROL, unassign('scribe'), RUNBOOK, 'step-down'],
      [withScribe, CAROL, unassign('service-owner'), RUNBOOK, 'refused'],
      [base, BOB, assign('service-owner', DAVE), RUNBOOK, 'refused'],
      [base, BOB, assign('commander', BOB), RUNBOOK, 'refused'],
      [base, BOB, assign('scribe', DAVE), RUNBOOK, 'refused'],
    ];
    const got = table.map(([i, who, change, authority]) => {
      const verdict = mayChangeRole(i, who, change, authority);
      return verdict.allowed ? verdict.why : 'refused';
    });
    expect(got).toEqual(table.map((row) => row[4]));
  });

  it('an incident an alert opened: anyone may take command for themselves, nothing more', async () => {
    const { incident, store } = await fresh();
    await store.close();
    const alert: Incident = { ...incident, commander: ALERTMANAGER, roles: {} };
    const table: [string, RoleChange, RoleAuthority, string][] = [
      [EVE, assign('commander', EVE), RUNBOOK, 'take-command'],
      [EVE, assign('commander', DAVE), RUNBOOK, 'refused'],
      [EVE, assign('service-owner', EVE), RUNBOOK, 'refused'],
      [EVE, assign('responder', EVE), RUNBOOK, 'responder'],
      [APPROVER, assign('service-owner', DAVE), AS_APPROVER, 'approver'],
    ];
    const got = table.map(([who, change, authority]) => {
      const verdict = mayChangeRole(alert, who, change, authority);
      return verdict.allowed ? verdict.why : 'refused';
    });
    expect(got).toEqual(table.map((row) => row[3]));
    // The actor Alertmanager's incidents are opened by is known here as no person.
    expect(NOT_PEOPLE).toContain(ALERTMANAGER);
  });
});

describe('the engine enforces it on the stored incident', () => {
  it('refuses the bypass with ROLE_CHANGE_NOT_ALLOWED, names whom to ask and the command, records nothing', async () => {
    const { service, incident, store } = await fresh();
    const before = await store.timeline(incident.id);
    const refused = service.execute(incident.id, {
      type: 'assign-role',
      role: 'service-owner',
      person: EVE,
      actor: EVE,
      authority: RUNBOOK,
    });
    await expect(refused).rejects.toMatchObject({
      code: 'ROLE_CHANGE_NOT_ALLOWED',
      // Plain words for the terminal and the log; the command to paste is Slack's (below).
      message: `only the commander (${CMD}) or an approver may give the service owner role; ask the commander`,
      details: {
        role: 'service-owner',
        user: EVE,
        refusal: {
          code: 'ROLE_CHANGE_NOT_ALLOWED',
          incidentId: incident.id,
          role: 'service-owner',
          change: 'assign',
          to: 'you',
          user: EVE,
          commander: CMD,
        },
      },
    });
    // Slack renders the same facts with live mentions and the command to paste.
    expect(errorMrkdwn(await refused.catch((e: unknown) => e), '')).toBe(
      `Only the commander (<@${CMD}>) or an approver may give the service owner role. Ask the commander (<@${CMD}>) to run \`/gc-incident role ${incident.id} @you owner\``,
    );
    // Handing command over, and taking back someone else's role: refused too, in their words.
    await expect(
      service.execute(incident.id, { type: 'assign-role', role: 'commander', person: EVE, actor: EVE }),
    ).rejects.toMatchObject({
      code: 'ROLE_CHANGE_NOT_ALLOWED',
      message: expect.stringContaining('may hand the commander role over'),
    });
    // The engine's other way to change the commander follows the same rule.
    await expect(
      service.execute(incident.id, { type: 'set-commander', commander: EVE, actor: EVE }),
    ).rejects.toMatchObject({ code: 'ROLE_CHANGE_NOT_ALLOWED' });
    await service.execute(incident.id, {
      type: 'assign-role',
      role: 'service-owner',
      person: BOB,
      actor: CMD,
    });
    const takeBack = await service
      .execute(incident.id, { type: 'unassign-role', role: 'service-owner', actor: EVE })
      .catch((e: unknown) => e);
    expect(takeBack).toMatchObject({
      code: 'ROLE_CHANGE_NOT_ALLOWED',
      message: expect.stringContaining('may take the service owner role back'),
    });
    expect(errorMrkdwn(takeBack, '')).toContain(`run \`/gc-incident role ${incident.id} owner none\``);
    const after = await store.timeline(incident.id);
    expect(after.map((e) => [e.type, e.actor])).toEqual([
      ...before.map((e) => [e.type, e.actor]),
      ['role.assigned', CMD],
    ]);
    // Bob steps down himself; a refusal decided on an old copy is decided again on the stored one.
    const stale = (await store.load(incident.id)) as Incident;
    await service.execute(incident.id, {
      type: 'assign-role',
      role: 'service-owner',
      person: EVE,
      actor: CMD,
    });
    const down = await service.execute(
      incident.id,
      { type: 'unassign-role', role: 'service-owner', actor: EVE },
      stale,
    );
    expect(down.events[0]).toMatchObject({ type: 'role.unassigned', actor: EVE, data: { before: EVE } });
    await store.close();
  });

  it('an alert-opened incident: the first person takes command, then gives roles; the next may not take it', async () => {
    const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-roles-alert-')), 'gc.db'));
    await store.migrate();
    const service = new IncidentService(store, new FakeClock());
    const { incident } = await service.open({
      runbook: shippedRunbook('gc-cyclic-garbage-growth'),
      runbookVersion: 'v',
      service: 'checkout',
      inputs: { job: 'checkout' },
      commander: ALERTMANAGER,
    });
    // Before anyone takes command, giving a role says to take command first.
    const first = await service
      .execute(incident.id, { type: 'assign-role', role: 'service-owner', person: EVE, actor: EVE })
      .catch((e: unknown) => e);
    expect(first).toMatchObject({
      code: 'ROLE_CHANGE_NOT_ALLOWED',
      details: { reason: 'no-commander', refusal: { commander: undefined } },
      message: expect.stringContaining('take command first'),
    });
    expect(errorMrkdwn(first, '')).toContain(
      `Take command first: \`/gc-incident role ${incident.id} @you commander\`, then run \`/gc-incident role ${incident.id} @you owner\``,
    );
    const took = await service.execute(incident.id, {
      type: 'assign-role',
      role: 'commander',
      person: EVE,
      actor: EVE,
    });
    expect(took.incident.commander).toBe(EVE);
    const gave = await service.execute(incident.id, {
      type: 'assign-role',
      role: 'service-owner',
      person: BOB,
      actor: EVE,
    });
    expect(gave.incident.roles?.['service-owner']).toBe(BOB);
    await expect(
      service.execute(incident.id, { type: 'assign-role', role: 'commander', person: DAVE, actor: DAVE }),
    ).rejects.toMatchObject({ code: 'ROLE_CHANGE_NOT_ALLOWED' });
    expect((await store.load(incident.id))?.commander).toBe(EVE);
    await store.close();
  });
});

describe('a refused approval on an incident nobody commands yet', () => {
  it('says to take command first, not to ask the alert', async () => {
    const { incident, store } = await fresh();
    await store.close();
    const alert: Incident = { ...incident, commander: ALERTMANAGER };
    const verdict = await mayApprove({ id: EVE }, alert, ['commander', 'service-owner'], [], async () => []);
    expect(verdict.allowed).toBe(false);
    const facts = (i: Incident) =>
      refusalMrkdwn({
        code: 'NOT_APPROVED',
        incidentId: i.id,
        stepId: 'rollback',
        stepTitle: 'Roll back',
        user: EVE,
        approvers: verdict.approvers,
        ask: roleHint(i, verdict),
      });
    expect(facts(alert)).toContain(
      `. Nobody has taken command yet: take it with \`/gc-incident role ${incident.id} @you commander\`, then approve as the commander`,
    );
    // With someone in command, the hint asks them, as before.
    expect(facts({ ...incident, commander: CMD })).toContain(
      `ask the commander (<@${CMD}>) for the service owner role`,
    );
  });
});

describe('what the driver looks up', () => {
  const runbook = shippedRunbook('gc-cyclic-garbage-growth');
  const deps = (approvers: string[], members: Record<string, string[]>) =>
    ({
      runbookOf: () => ({ runbook, file: '' }),
      caps: { approvers, groupMembers: async (group: string) => members[group] ?? [] },
    }) as unknown as DriverDeps;

  it('named approvers (users, groups) may; roles the runbook names approve; nobody named is nobody', async () => {
    const { incident, store } = await fresh();
    await store.close();
    const named = deps([APPROVER, 'S0ONCALL1'], { S0ONCALL1: [DAVE] });
    expect(await authorityOf(named, incident, { id: APPROVER })).toEqual({
      approver: true,
      approvalRoles: ['commander', 'service-owner'],
    });
    expect((await authorityOf(named, incident, { id: DAVE })).approver).toBe(true);
    expect((await authorityOf(named, incident, { id: EVE })).approver).toBe(false);
    // With no approver named anywhere an approval lets anyone approve; giving roles does not.
    expect((await authorityOf(deps([], {}), incident, { id: EVE })).approver).toBe(false);
    // Holding a role the runbook lets approve does not make one an approver of roles.
    const owned: Incident = { ...incident, roles: { 'service-owner': EVE } };
    expect((await authorityOf(named, owned, { id: EVE })).approver).toBe(false);
  });
});

describe('gc-incident walk --role', () => {
  it('applies a commander handover after the other roles, each role in the order given', () => {
    expect(
      parseRoleOptions(['commander=zed', 'owner=bob', 'scribe=carol', 'owner=none', 'commander=yan']),
    ).toEqual([
      { role: 'service-owner', person: 'cli:bob' },
      { role: 'scribe', person: 'cli:carol' },
      { role: 'service-owner', person: null },
      { role: 'commander', person: 'cli:zed' },
      { role: 'commander', person: 'cli:yan' },
    ]);
  });
});
