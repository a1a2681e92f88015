/**
 * Defect 14 of #15: a click on a button whose `action_id` the app does not
 * know (an old card, a removed feature, a forged id) was never acknowledged:
 * Slack showed its warning after 3 s and the app logged at error level. Now a
 * catch-all acks it at once and tells the user the button is no longer valid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { SlackHarness } from '../helpers/slack-app.js';

let h: SlackHarness;
beforeAll(async () => {
  h = await SlackHarness.start();
});
afterAll(async () => {
  await h?.stop();
});

describe('unknown and stale buttons', () => {
  it.each(['obsolete.button', 'step.explode', '<!channel>'])(
    'acks %s at once and says the button is no longer valid',
    async (actionId) => {
      const logsBefore = h.logs.length;
      const click = await h.click(actionId, 'GC-2026-0001|x');
      expect(click.status).toBe(200);
      const answers = JSON.stringify(h.answersTo(click.responseUrl));
      expect(answers).toContain('no longer valid');
      expect(answers).not.toContain('<!channel>');
      const errors = h.logs.slice(logsBefore).filter((l) => /"level":50/.test(l));
      expect(errors).toEqual([]);
    },
  );

  it('leaves known buttons to their own listeners', async () => {
    const click = await h.click(ACTION.done, 'GC-2099-9999|nope');
    expect(click.status).toBe(200);
    expect(JSON.stringify(h.answersTo(click.responseUrl))).not.toContain('no longer valid');
  });
});
