/** Configuration is parsed once per view, a command is stopped only by what it reads, and the drill's own Config reaches the walk. */
import { describe, expect, it } from 'vitest';
import { compose } from '../../src/composition/root.js';
import { readConfig, readLocalConfig, settingsFrom } from '../../src/config.js';
import { cli } from '../helpers/cli.js';

describe('configuration views', () => {
  it('parses each view once, on first use, and only the view asked for', () => {
    const settings = settingsFrom({ PROMETHEUS_URL: 'ftp://x', DATABASE_URL: 'sqlite:/tmp/x.db' });
    // The files view does not look at PROMETHEUS_URL: `incidents` is not stopped by it.
    expect(settings.local().databaseUrl).toBe('sqlite:/tmp/x.db');
    expect(settings.local()).toBe(settings.local());
    expect(() => settings.config()).toThrow(/PROMETHEUS_URL must be an http/);
    expect(() => settings.serve()).toThrow(/PROMETHEUS_URL must be an http/);
  });

  it('SLACK_APPROVERS is checked for every surface, the terminal included', () => {
    expect(readConfig({ SLACK_APPROVERS: 'U0ALICE, S0SRELEADS' }).approvers).toEqual([
      'U0ALICE',
      'S0SRELEADS',
    ]);
    expect(readConfig({}).approvers).toEqual([]);
    expect(() => readConfig({ SLACK_APPROVERS: 'alice' })).toThrow(
      "SLACK_APPROVERS must list Slack user ids (U…) and user-group ids (S…), comma-separated; 'alice' is neither",
    );
  });

  it('reads the machine settings the adapters used to read from the environment', () => {
    const local = readLocalConfig({
      PATH: '/opt/bin:/usr/bin',
      HOME: '/home/ann',
      USER: 'ann',
      GC_SERVICE_PYTHON: '/opt/py/bin/python3',
      GC_UPGRADE_PYTHON: ' ',
      THANOS_TOKEN: 's3cret',
    });
    expect(local).toMatchObject({
      searchPath: '/opt/bin:/usr/bin',
      pyenvRoot: '/home/ann/.pyenv',
      user: 'ann',
      servicePython: '/opt/py/bin/python3',
      upgradePython: undefined,
    });
    expect(readLocalConfig({ PYENV_ROOT: '/srv/pyenv', HOME: '/home/ann' }).pyenvRoot).toBe('/srv/pyenv');
    // Secrets are looked up by the name a configuration file gives, when a request needs them.
    expect(local.secret('THANOS_TOKEN')).toBe('s3cret');
    expect(local.secret('NOT_SET')).toBeUndefined();
    expect(Object.isFrozen(local)).toBe(true);
  });

  it('the composition root builds clients from the Config it is given, not from the environment', async () => {
    const none = compose(readConfig({}));
    expect(none.metrics()).toBeUndefined();
    expect(none.actions()).toBeUndefined();
    // A Config built in code (as the drill builds its own) is all the root needs.
    const own = compose({ ...readConfig({}), prometheusUrl: 'http://127.0.0.1:1' });
    const client = own.metrics();
    expect(client).toBeDefined();
    await client?.close();
  });

  it('a malformed SLACK_APPROVERS stops `walk` with one message and exit 2', async () => {
    const run = await cli(['walk', 'gc-thrash-allocation-churn', '--auto'], { SLACK_APPROVERS: 'bob' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error: SLACK_APPROVERS must list Slack user ids .*'bob' is neither \[CONFIG_INVALID\]\n$/,
    );
  });
});
