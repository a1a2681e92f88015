/** `gc-incident serve` refuses to start on a bad configuration, naming the variable. */
import { expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

it('a missing token stops the start with one message and exit 2', async () => {
  const run = await cli(['serve'], { SLACK_SIGNING_SECRET: '0123456789abcdef0123' });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/SLACK_BOT_TOKEN is not set/);
  expect(run.stderr).not.toMatch(/\n\s+at /);
});

it('a malformed port stops the start with one message and exit 2', async () => {
  const run = await cli(['serve'], {
    SLACK_BOT_TOKEN: 'xoxb-1-2',
    SLACK_SIGNING_SECRET: '0123456789abcdef0123',
    PORT: '3e3',
  });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/PORT must be a TCP port number/);
});
