/**
 * Defects 4, 6, 10 and 11 of #15: what a user or a runbook author writes must
 * never ping, link or reorder text in Slack. `<!channel>`, `<!here>`, `<@U…>`
 * and `<https://x|y>` are escaped everywhere (code fences included: Slack
 * parses `<…>` there too), in the top-level `text` of every post as well as
 * its blocks and in error replies; bidi controls are refused in inputs and
 * neutralised wherever text is shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepState } from '../../src/core/incident/model.js';
import { queryMessages } from '../../src/slack/blocks/step-output.js';
import { escapeMrkdwn } from '../../src/slack/escape-mrkdwn.js';
import { codeBlocks } from '../../src/slack/limits.js';
import { CHANNEL, SlackHarness } from '../helpers/slack-app.js';

const HOSTILE = ['<!channel>', '<!here>', '<@U0ALICE001>', '<https://evil.example|click>', '<#C0INCIDENT1>'];
const BIDI = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];

/** Every string Slack would parse as mrkdwn in a message: its text and every text in its blocks. */
function shownText(message: unknown): string {
  return JSON.stringify(message);
}

function expectInert(text: string) {
  for (const h of HOSTILE) expect(text).not.toContain(h);
  for (const c of BIDI) expect(text).not.toContain(c);
}

describe('defect 4: user input inside mrkdwn code blocks', () => {
  it('escapes <, > and & inside code fences', () => {
    for (const h of HOSTILE) {
      const [block] = codeBlocks(`up{job="${h}"}`);
      expect(block).toMatch(/^```/);
      expect(block).not.toContain(h);
      expect(block).toContain('&lt;');
    }
  });

  it('escapes a free-text input in the PromQL a query step shows', () => {
    const step = { id: 'q', title: 'Query', phase: 'triage', kind: 'query', optional: false } as StepState;
    for (const h of HOSTILE) {
      const messages = queryMessages(step, {
        query: `rate(python_gc_collections_total{job="${h}"}[5m])`,
        datasource: 'default',
        at: '2026-01-01T00:00:00Z',
        series: [{ labels: { job: h }, value: 1 } as never],
      });
      expectInert(shownText(messages));
    }
  });
});

describe('defect 11: bidi controls', () => {
  it('are neutralised by the mrkdwn escape', () => {
    for (const c of BIDI) expect(escapeMrkdwn(`abc${c}def`)).not.toContain(c);
  });
});

describe('through the real app', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await SlackHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('defect 6: the top-level text of every post is escaped like its blocks', async () => {
    for (const hostile of HOSTILE) {
      const { ts } = await h.server.services.slack.post(CHANNEL, {
        text: `Check ${hostile}`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }],
      });
      const stored = h.api.message(CHANNEL, ts);
      expect(stored?.text).toBeDefined();
      expect(stored?.text).not.toContain(hostile);
    }
  });

  it('defect 10: an error reply never echoes the rejected input unescaped', async () => {
    for (const hostile of HOSTILE) {
      const sent = await h.slash(`start gc-full-collection-latency job=${hostile}`);
      const answers = h.answersTo(sent.responseUrl);
      expect(answers.length).toBeGreaterThan(0);
      expectInert(shownText(answers));
    }
    const simulate = await h.slash('simulate <https://evil.example|click>');
    const refused = JSON.stringify(h.answersTo(simulate.responseUrl));
    expect(refused).toContain('&lt;https://evil.example|click&gt;');
    expectInert(refused);
  });

  it('defect 11: an incident whose input or service holds a bidi control is refused', async () => {
    const before = (await h.store.list({ limit: 100 })).length;
    const service = await h.slash('start gc-full-collection-latency job=checkout service=pay\u202Etnemy');
    expect(JSON.stringify(h.answersTo(service.responseUrl))).toMatch(/bidi/i);
    expect((await h.store.list({ limit: 100 })).length).toBe(before);
  });
});

describe("an incident channel's topic", () => {
  it('carries no mention or link from the title, and keeps its length', async () => {
    const { channelTopic } = await import('../../src/slack/blocks/incident-channel.js');
    const title = 'Pauses <!here> <@U0BOSS> <https://evil.example|click>';
    const topic = channelTopic({
      id: 'GC-2026-0001',
      severity: 'sev1',
      status: 'open',
      title,
      roles: {},
      commander: 'U0CMD',
    } as never);
    for (const raw of ['<!here>', '<@U0BOSS>', '<https://']) expect(topic).not.toContain(raw);
    expect(topic).toContain('‹!here›');
    expect(topic.length).toBeLessThanOrEqual(250);
  });
});
