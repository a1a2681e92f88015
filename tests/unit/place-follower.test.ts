/**
 * PlaceFollower: an incident channel's topic and announcing line are sent when what they show
 * changes (severity included, though no command changes it yet), once per change, never for a
 * change they do not show, never an older state over a newer one, and a burst of changes at
 * once costs one edit. Slack is a recording fake of the two calls it makes.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { apply } from '../../src/core/incident/apply.js';
import type { Incident, TimelineEvent } from '../../src/core/incident/model.js';
import { TOPIC_MAX } from '../../src/slack/blocks/incident-channel.js';
import { PlaceFollower } from '../../src/slack/flow/place-follower.js';
import type { SlackGateway } from '../../src/slack/gateway.js';
import type { SlackWorkspace } from '../../src/slack/workspace.js';

function incident(extra: Partial<Incident> = {}): Incident {
  const opened: TimelineEvent = {
    seq: 1,
    incidentId: 'GC-2026-0042',
    at: '2026-12-06T20:00:00.000Z',
    actor: 'U0ALICE001',
    type: 'incident.opened',
    data: {
      title: 'Full collections every 40 s',
      runbookId: 'r',
      runbookVersion: 'v',
      service: 'checkout',
      inputs: {},
      severity: 'sev2',
      commander: 'U0ALICE001',
      steps: [],
    },
  };
  return {
    ...(apply(undefined, opened) as Incident),
    channel: { id: 'C0INC00001', announcement: { channel: 'C0ALERTS01', ts: '1.000001' } },
    ...extra,
  };
}

function follower() {
  const topics: string[] = [];
  const lines: string[] = [];
  let slow: Promise<void> = Promise.resolve();
  // What Slack shows now, as a process that did not make the channel reads it back.
  const slackHas: { topic?: string; line?: string } = {};
  const workspace = {
    setTopic: async (_: string, topic: string) => {
      await slow;
      topics.push(topic);
    },
    topicOf: async () => slackHas.topic,
    messageText: async () => slackHas.line,
  } as unknown as SlackWorkspace;
  const slack = {
    update: async (_c: string, _ts: string, message: { text: string }) => {
      lines.push(message.text);
    },
  } as unknown as SlackGateway;
  const places = new PlaceFollower({ workspace, slack, logger: pino({ level: 'silent' }) });
  return {
    places,
    topics,
    lines,
    slackHas,
    stall: () => {
      let release = () => {};
      slow = new Promise((r) => {
        release = r;
      });
      return () => release();
    },
  };
}

describe('PlaceFollower', () => {
  it('sends the topic and the line when what they show changes, severity included, once', async () => {
    const f = follower();
    const v1 = incident({ version: 1 });
    await f.places.follow(v1);
    expect(f.topics).toHaveLength(1);
    expect(f.lines).toHaveLength(1);
    // The same facts (a note, a step run): nothing is sent.
    await f.places.follow({ ...v1, version: 2 });
    expect(f.topics).toHaveLength(1);
    expect(f.lines).toHaveLength(1);
    await f.places.follow({ ...v1, version: 3, severity: 'sev1' });
    expect(f.topics.at(-1)).toContain('SEV1');
    expect(f.lines.at(-1)).toContain('SEV1');
    expect(f.topics).toHaveLength(2);
    expect(f.lines).toHaveLength(2);
  });

  it('what the channel was made with is not sent again', async () => {
    const f = follower();
    const { channelTopic, announcementMessage } = await import('../../src/slack/blocks/incident-channel.js');
    const made = incident({ version: 1 });
    f.places.seed(made.id, channelTopic(made), announcementMessage(made, 'C0INC00001'));
    await f.places.follow({ ...made, version: 2 });
    expect(f.topics).toHaveLength(0);
    expect(f.lines).toHaveLength(0);
  });

  it('a process that did not make the channel reads it back, and sends only what differs', async () => {
    const f = follower();
    const { channelTopic, announcementMessage } = await import('../../src/slack/blocks/incident-channel.js');
    const made = incident({ version: 1 });
    f.slackHas.topic = channelTopic(made);
    // Slack stores &, < and > as entities; the workspace unescapes them (workspace.ts).
    f.slackHas.line = announcementMessage(made, 'C0INC00001').text;
    await f.places.follow({ ...made, version: 2 });
    expect(f.topics).toHaveLength(0);
    expect(f.lines).toHaveLength(0);
    await f.places.follow({ ...made, version: 3, status: 'mitigated' });
    expect(f.topics).toHaveLength(1);
    expect(f.lines).toHaveLength(1);
  });

  it('a burst of changes costs one edit of the newest; an older state arriving late is not shown', async () => {
    const f = follower();
    await f.places.follow(incident({ version: 1 }));
    const release = f.stall();
    const running = f.places.follow(incident({ version: 2, status: 'mitigated' }));
    const queued = [
      f.places.follow(incident({ version: 3, status: 'mitigated', commander: 'U0BOB00001' })),
      f.places.follow(incident({ version: 4, status: 'resolved', commander: 'U0BOB00001' })),
    ];
    release();
    await Promise.all([running, ...queued]);
    // The first state and the newest: the two in between were never sent.
    expect(f.topics).toHaveLength(2);
    expect(f.topics.at(-1)).toContain('resolved');
    expect(f.topics.at(-1)).toContain('U0BOB00001');
    await f.places.follow(incident({ version: 3, status: 'mitigated' }));
    expect(f.topics).toHaveLength(2);
    expect(f.topics.every((t) => t.length <= TOPIC_MAX)).toBe(true);
  });

  it('remembers at most 1,000 incidents; a forgotten one is read back from Slack, not sent again', async () => {
    const f = follower();
    for (let n = 0; n < 1001; n++)
      await f.places.follow(incident({ id: `GC-2026-${String(n).padStart(4, '0')}`, version: 1 }));
    const first = incident({ id: 'GC-2026-0000', version: 2 });
    const sentBefore = f.topics.length;
    // Slack still shows what was sent: read back, nothing to send again.
    f.slackHas.topic = f.topics[0] ?? '';
    f.slackHas.line = f.lines[0] ?? '';
    await f.places.follow(first);
    expect(f.topics.length).toBe(sentBefore);
    const kept = (f.places as unknown as { shown: Map<string, unknown> }).shown;
    expect(kept.size).toBeLessThanOrEqual(1000);
  });
});
