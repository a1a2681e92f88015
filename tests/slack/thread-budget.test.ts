/**
 * The thread of a whole walk stays readable: a full walk of the shipped full-collection runbook
 * posts at most one thread message per step plus one per phase (issue 27), and the check
 * results of one batch (a phase's entry, Run checks) go to the thread as one message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHASES, type WalkedIncident, walkFullCollection } from '../helpers/full-collection-walk.js';
import type { RecordedCall } from '../helpers/slack-api.js';

let walked: WalkedIncident;
beforeAll(async () => {
  walked = await walkFullCollection();
}, 60_000);
afterAll(async () => {
  await walked?.h.stop();
  await walked?.prometheus.stop();
});

const threadPosts = (calls: readonly RecordedCall[]) =>
  calls.filter((c) => c.method === 'chat.postMessage' && c.ok && c.body.thread_ts !== undefined);

describe('a full walk of gc-full-collection-latency in Slack', () => {
  it('reaches follow-up, resolved', async () => {
    const incident = await walked.h.store.load(walked.id);
    expect(incident).toMatchObject({ phase: 'follow-up', status: 'resolved' });
    expect(incident?.steps.find((s) => s.id === 'full-collection-pauses-ok')?.status).toBe('done');
  });

  it('posts at most one thread message per step plus one per phase', async () => {
    const incident = await walked.h.store.load(walked.id);
    const posts = threadPosts(walked.h.api.calls);
    expect(posts.length).toBeLessThanOrEqual((incident?.steps.length ?? 0) + PHASES);
  });

  it('says the check results of each batch in one message', () => {
    const texts = threadPosts(walked.h.api.calls).map((c) => String(c.body.text));
    const saying = (title: string) => texts.filter((t) => t.includes(title.slice(0, 40)));
    // Detection's two checks ran together at the opening, triage's three as it began.
    const detection = saying('Full-collection pauses against their limit');
    expect(detection).toHaveLength(1);
    expect(detection[0]).toContain('Resident memory of the largest instance');
    const triage = saying('Generation-0 collections per second');
    expect(triage).toHaveLength(1);
    expect(triage[0]).toContain('Resident memory growth of the largest instance');
    expect(triage[0]).toContain('CPython versions seen in the last 24 hours');
    // Verification's verdict carries its figures: one message, not one per check plus one.
    const verdict = texts.filter((t) => t.includes('Verification passed'));
    expect(verdict).toHaveLength(1);
    expect(verdict[0]).toContain('Resident memory not growing faster than 1 MiB per minute');
    expect(saying('Resident memory not growing faster than 1 MiB per minute')).toHaveLength(1);
  });
});
