/**
 * The incident card leads: one primary button per state (the runbook's next action),
 * confirmation on Resolved and Close, every check with its value, operator and
 * threshold, state changes broadcast. Golden files pin what people see
 * (UPDATE_GOLDEN=1 rewrites them; review the diff before committing).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Button } from '@slack/types';
import { beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/core/incident/apply.js';
import type { Incident, StepState, TimelineEvent } from '../../src/core/incident/model.js';
import { planSteps } from '../../src/core/incident/plan.js';
import { stateChangeMessage } from '../../src/slack/blocks/broadcast.js';
import { incidentCard } from '../../src/slack/blocks/card.js';
import { dashboardUrl, runbookSourceUrl } from '../../src/slack/blocks/card-context.js';
import type { SlackMessage } from '../../src/slack/blocks/common.js';
import { ACTION } from '../../src/slack/ids.js';
import { cardWalk, type Frame } from '../helpers/card-walk.js';
import { shippedRunbook } from '../helpers/engine.js';
import { REPO } from '../helpers/runbooks.js';
import { messageViolations } from '../helpers/slack-limits.js';

const GOLDEN = join(REPO, 'tests/fixtures/slack-golden');
const SHIPPED = [
  'gc-cyclic-garbage-growth',
  'gc-disabled-or-starved',
  'gc-full-collection-latency',
  'gc-prefork-copy-on-write',
  'gc-python-upgrade-regression',
  'gc-thrash-allocation-churn',
];

function buttons(message: SlackMessage): Button[] {
  return message.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as Button[]) : []));
}
const primaries = (message: SlackMessage) => buttons(message).filter((b) => b.style === 'primary');
const text = (message: SlackMessage) => JSON.stringify(message.blocks);

function opened(runbookId: string): Incident {
  const event: TimelineEvent = {
    seq: 1,
    incidentId: 'GC-2026-0042',
    at: '2026-11-23T10:00:00.000Z',
    actor: 'U0ALICE001',
    type: 'incident.opened',
    data: {
      title: 'T',
      runbookId,
      runbookVersion: 'v',
      service: 'checkout',
      inputs: {},
      severity: 'sev2',
      commander: 'U0ALICE001',
      steps: planSteps(shippedRunbook(runbookId)),
    },
  };
  return apply(undefined, event) as Incident;
}

let frames: Frame[];
beforeAll(async () => {
  frames = await cardWalk();
});

describe('the card through a whole walk', () => {
  it('matches the reviewed golden files, frame by frame', () => {
    mkdirSync(GOLDEN, { recursive: true });
    expect(frames.map((f) => f.name)).toHaveLength(11);
    for (const frame of frames) {
      const file = join(GOLDEN, `${frame.name}.json`);
      const actual = `${JSON.stringify({ caption: frame.caption, card: frame.card, thread: frame.thread }, null, 2)}\n`;
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, actual);
      expect(actual, `${frame.name}: run with UPDATE_GOLDEN=1 and review the diff`).toBe(
        readFileSync(file, 'utf8'),
      );
    }
  });

  it('has exactly one primary button whenever a person is expected to act, and it is the next action', () => {
    const expected: Record<string, string | undefined> = {
      '01-opened': ACTION.run,
      '02-prometheus-down': ACTION.skipMetrics,
      '03-detected': ACTION.advance,
      '04-triage': ACTION.run,
      '05-containment': ACTION.run,
      '06-contained': ACTION.advance,
      '07-verifying': undefined,
      '08-relapse': ACTION.run,
      '09-verified': ACTION.resolved,
      '10-resolved': ACTION.close,
      '11-closed': undefined,
    };
    for (const frame of frames) {
      const want = expected[frame.name];
      expect(
        primaries(frame.card).map((b) => b.action_id),
        frame.name,
      ).toEqual(want ? [want] : []);
      expect(messageViolations({ text: frame.card.text, blocks: frame.card.blocks })).toEqual([]);
    }
    // While Prometheus is down, the banner leads (not a Run that would fail again).
    expect(text(frames[1]?.card as SlackMessage)).toContain('unreachable*');
  });

  it('asks for confirmation on Resolved and Close, in every state they appear', () => {
    let seen = 0;
    for (const frame of frames)
      for (const b of buttons(frame.card))
        if (b.action_id === ACTION.resolved || b.action_id === ACTION.close) {
          seen += 1;
          expect(b.confirm?.confirm?.text, `${frame.name} ${b.action_id}`).toBeTruthy();
        }
    expect(seen).toBeGreaterThanOrEqual(frames.length - 1);
    // Before verification holds, resolving warns in red.
    const early = buttons(frames[0]?.card as SlackMessage).find((b) => b.action_id === ACTION.resolved);
    expect(early?.confirm?.style).toBe('danger');
    expect(early?.style).toBeUndefined();
  });

  it('shows every check with its value, operator and threshold, or the threshold before it runs', () => {
    const detected = text(frames[2]?.card as SlackMessage);
    expect(detected).toContain('612/s, over the 50/s limit ✗');
    expect(detected).toContain('93%, over the 70% limit ✗');
    expect(text(frames[0]?.card as SlackMessage)).toContain('&gt; 50/s (not run yet)');
    expect(text(frames[7]?.card as SlackMessage)).toContain('388/s, over the 50/s limit ✗');
    expect(text(frames[8]?.card as SlackMessage)).toContain('8.1/s, under the 50/s limit ✓');
    for (const frame of frames)
      for (const step of frame.incident.steps.filter(
        (s) => s.kind === 'check' && s.phase === frame.incident.phase,
      ))
        expect(text(frame.card), `${frame.name} ${step.id}`).toMatch(
          /(&gt;|&lt;|==|!=)=? [0-9.]+|, (over|under|at) the [0-9.]+\S* limit/,
        );
  });

  it('links the runbook source, its links and the dashboard; shows elapsed time and severity colour', () => {
    const card = frames[2]?.card as SlackMessage;
    expect(text(card)).toContain(
      'https://github.com/acme/gc-runbooks/blob/main/runbooks/gc-thrash-allocation-churn.yaml',
    );
    expect(text(card)).toContain('https://docs.python.org/3/library/gc.html#gc.set_threshold');
    expect(text(card)).toContain('https://grafana.example/d/python-gc?var-job=checkout&from=');
    expect(text(card)).toMatch(/open 3 min|\{ago\}/);
    expect(card.attachments?.[0]?.color).toBe('#ECB22E');
    expect(frames[9]?.card.attachments?.[0]?.color).toBe('#2EB67D');
  });

  it('broadcasts each state change to the channel as one short line', () => {
    const broadcasts = frames.flatMap((f) => f.thread.filter((m) => m.broadcast));
    expect(broadcasts.map((m) => m.message.text.split(':')[1]?.trim().split(' (')[0])).toEqual([
      'symptom confirmed, triage started',
      'triage done, containment started',
      'mitigated',
      'contained, verification started',
      'resolved',
      'closed',
    ]);
    for (const b of broadcasts) {
      expect(b.message.blocks).toHaveLength(1);
      expect(text(b.message)).not.toContain('\\n');
    }
  });
});

describe('the card in every phase of every shipped runbook', () => {
  it('has at most one primary button, and exactly one when nothing runs', () => {
    for (const id of SHIPPED) {
      const base = opened(id);
      for (const phase of ['detection', 'triage', 'containment', 'verification', 'follow-up'] as const) {
        const card = incidentCard({ ...base, phase }, new Set(), { runbook: shippedRunbook(id) });
        expect(primaries(card), `${id} ${phase}`).toHaveLength(1);
      }
    }
  });

  it('a risky containment action shows Approve (primary) before Done', () => {
    const base = opened('gc-cyclic-garbage-growth');
    const incident = { ...base, phase: 'containment' as const };
    const risky = incident.steps.find((s) => s.phase === 'containment' && s.needsApproval) as StepState;
    const first = incident.steps.find((s) => s.phase === 'containment') as StepState;
    const onlyRisky = {
      ...incident,
      steps: incident.steps.map((s) =>
        s.phase === 'containment' && s.id !== risky.id ? { ...s, status: 'skipped' as const } : s,
      ),
    };
    expect(first).toBeDefined();
    const ids = buttons(incidentCard(onlyRisky))
      .filter((b) => b.value?.endsWith(`|${risky.id}`))
      .map((b) => [b.action_id, b.style ?? 'plain']);
    expect(ids.slice(0, 2)).toEqual([
      [ACTION.approve, 'primary'],
      [ACTION.done, 'plain'],
    ]);
  });
});

describe('links and broadcast lines', () => {
  it('builds the runbook source and dashboard links, encoding what it fills in', () => {
    expect(runbookSourceUrl('https://git.example/rb/', '/srv/runbooks/gc-x.yaml')).toBe(
      'https://git.example/rb/gc-x.yaml',
    );
    expect(runbookSourceUrl(undefined, 'x.yaml')).toBeUndefined();
    const incident = { ...opened('gc-thrash-allocation-churn'), service: 'a&b c' };
    expect(
      dashboardUrl(
        'https://g.example/d?s={service}&from={from}&to={to}',
        incident,
        new Date(1_800_000_000_000),
      ),
    ).toBe(
      `https://g.example/d?s=a%26b%20c&from=${Date.parse(incident.openedAt) - 1_800_000}&to=1800000000000`,
    );
  });

  it('escapes the incident title in the broadcast line', () => {
    const incident = { ...opened('gc-thrash-allocation-churn'), title: '<!channel> & co' };
    const line = stateChangeMessage(
      incident,
      { kind: 'status', status: 'resolved' },
      'U0BOB00001',
      new Date('2026-11-23T10:42:00Z'),
    );
    expect(text(line)).toContain('&lt;!channel&gt; &amp; co');
    expect(text(line)).toContain('42 min since opened');
    expect(text(line)).toContain('<@U0BOB00001>');
  });
});
