/** `gc-incident walk --role NAME=PERSON`: roles on the timeline from the terminal, and the fallback said. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { cli } from '../helpers/cli.js';
import { FakeClock } from '../helpers/engine.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';

const env = () => {
  const path = join(mkdtempSync(join(tmpdir(), 'gc-incident-walk-roles-')), 'gc.db');
  return { path, vars: { DATABASE_URL: `sqlite:${path}`, RUNBOOKS_DIR, USER: 'alice' } };
};

/** `walk` of the thrash runbook with --auto and one `--role` per assignment given. */
const walk = (vars: Record<string, string>, ...roles: string[]) =>
  cli(
    [
      'walk',
      'gc-thrash-allocation-churn',
      '--input',
      'job=api',
      '--auto',
      ...roles.flatMap((r) => ['--role', r]),
    ],
    vars,
    { clock: new FakeClock() },
  );

describe('gc-incident walk --role', () => {
  it('assigns roles as the walk starts, recorded like Slack assignments', async () => {
    const { path, vars } = env();
    const run = await walk(vars, 'owner=bob', 'responder=@carol', 'service-owner=dana');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'Roles: commander cli:alice; service owner cli:dana; scribe -; responders cli:carol',
    );
    expect(run.stdout).toContain('Not assigned: scribe; the commander stands in');
    const store = new SqliteStore(path);
    const id = (await store.list({ limit: 1 }))[0]?.id as string;
    const events = (await store.timeline(id)).filter((e) => e.type === 'role.assigned');
    expect(events.map((e) => [e.data.role, e.data.before, e.data.after, e.actor])).toEqual([
      ['service-owner', null, 'cli:bob', 'cli:alice'],
      ['responder', null, 'cli:carol', 'cli:alice'],
      ['service-owner', 'cli:bob', 'cli:dana', 'cli:alice'],
    ]);
    await store.close();
  });

  it('without roles the walk says who stands in; a bad --role is a usage error', async () => {
    const { vars } = env();
    const plain = await walk(vars);
    expect(plain.stdout).toContain('Not assigned: service owner, scribe; the commander stands in');
    const bad = await walk(vars, 'chef=bob');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--role chef=bob');
  });

  it('NAME=none takes a role back, in order; never the commander', async () => {
    const { path, vars } = env();
    const run = await walk(vars, 'scribe=bob', 'scribe=none');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Not assigned: service owner, scribe; the commander stands in');
    const store = new SqliteStore(path);
    const id = (await store.list({ limit: 1 }))[0]?.id as string;
    const events = (await store.timeline(id)).filter((e) => e.type.startsWith('role.'));
    expect(events.map((e) => [e.type, e.data.role, e.data.before, e.actor])).toEqual([
      ['role.assigned', 'scribe', null, 'cli:alice'],
      ['role.unassigned', 'scribe', 'cli:bob', 'cli:alice'],
    ]);
    await store.close();
    const refused = await walk(vars, 'commander=none');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('an incident always has a commander');
    // Refused before anything was opened.
    const after = new SqliteStore(path);
    expect(await after.list({ limit: 10 })).toHaveLength(1);
    await after.close();
  });
});
