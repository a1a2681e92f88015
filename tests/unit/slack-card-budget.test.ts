/**
 * The card fits a phone and says an outage once: through the scripted Prometheus-down walk
 * (full-collection runbook, 14 triage steps) and the normal one, the card stays within a block
 * budget, shows one banner while Prometheus is down, folds skipped steps to one line per phase,
 * and no rendered text has e+ notation, millisecond timestamps or bare user ids.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../src/slack/blocks/common.js';
import { ACTION } from '../../src/slack/ids.js';
import { cardWalk, type Frame } from '../helpers/card-walk.js';
import { outageWalk } from '../helpers/outage-walk.js';

let down: Frame[];
let normal: Frame[];
beforeAll(async () => {
  down = await outageWalk();
  normal = await cardWalk();
});

const text = (m: SlackMessage) => JSON.stringify(m.blocks);
const frame = (frames: Frame[], name: string) => frames.find((f) => f.name === name) as Frame;
const primary = (m: SlackMessage) =>
  m.blocks
    .flatMap((b) => (b.type === 'actions' ? b.elements : []))
    .filter((e) => (e as { style?: string }).style === 'primary')
    .map((e) => (e as { action_id: string }).action_id);

describe('the card through the Prometheus-down walk', () => {
  it('stays short: at most 3 open steps with buttons, 18 blocks, whatever the phase holds', () => {
    for (const f of [...down, ...normal]) {
      expect(f.card.blocks.length, f.name).toBeLessThanOrEqual(18);
      expect(f.card.blocks.filter((b) => b.block_id?.startsWith('act:')).length, f.name).toBeLessThanOrEqual(
        3,
      );
    }
  });

  it('one banner while Prometheus is down, Skip metric steps green while steps wait on it', () => {
    const first = frame(down, 'down-01-unreachable').card;
    expect(first.blocks.filter((b) => b.block_id === 'outage')).toHaveLength(1);
    expect(first.blocks[1]?.block_id).toBe('outage');
    expect(primary(first)).toEqual([ACTION.skipMetrics]);
    // The backend's error is said by the banner's thread message, not under each step.
    expect(text(first).match(/ECONNREFUSED/g) ?? []).toHaveLength(0);
    const triage = frame(down, 'down-03-triage').card;
    expect(triage.blocks.filter((b) => b.block_id === 'outage')).toHaveLength(1);
    expect(text(triage).match(/metric steps? skipped/g)).toHaveLength(2);
    expect(text(triage)).toContain('Detection*: 2 metric steps skipped');
  });

  it('green buttons alone reach Mitigated, then Verified by hand, then Resolved', () => {
    expect(primary(frame(down, 'down-04-contained').card)).toEqual([ACTION.mitigated]);
    expect(primary(frame(down, 'down-05-unverified').card)).toEqual([ACTION.verifyByHand]);
    expect(text(frame(down, 'down-05-unverified').card)).toContain('Verification skipped: *not verified*');
    expect(primary(frame(down, 'down-06-by-hand').card)).toEqual([ACTION.resolved]);
    const back = frame(down, 'down-07-back').card;
    expect(text(back)).toContain('is back');
    expect(
      back.blocks.some((b) => b.type === 'actions' && JSON.stringify(b).includes(ACTION.rerunSkipped)),
    ).toBe(true);
    expect(text(back)).toContain('verified by hand');
    expect(text(back)).toContain('lasted');
  });

  it('no e+ notation, millisecond timestamps or bare user ids in any card or thread message', () => {
    for (const f of [...down, ...normal])
      for (const m of [f.card, ...f.thread.map((t) => t.message)]) {
        const t = text(m);
        expect(t, f.name).not.toMatch(/\de[+-]\d/);
        expect(/.{80}\d\d:\d\d:\d\d\.\d{3}/.exec(t)?.[0], f.name).toBeUndefined();
        expect(t.replace(/<@[UW][A-Z0-9]+>/g, ''), f.name).not.toMatch(/\bU0[A-Z0-9]{6,}\b/);
      }
  });
});
