/** Simulation output and `/gc-incident status` as people read them: a verdict first, narrow tables, relative times. */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LabelledResult, simulateRunbookStep } from '../../src/adapters/simulator/runbook-step.js';
import type { SimulateStep } from '../../src/core/runbook/types.js';
import { formatComparison } from '../../src/format/simulation.js';
import {
  COMPACT_WIDTH,
  compactComparison,
  describeWhatIf,
  simulationVerdict,
} from '../../src/format/simulation-summary.js';
import { listMessage, statusMessage } from '../../src/slack/blocks/replies.js';
import { simulationMessages } from '../../src/slack/blocks/step-output.js';
import { cardWalk, type Frame } from '../helpers/card-walk.js';
import { shippedRunbook } from '../helpers/engine.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { messageViolations } from '../helpers/slack-limits.js';

let results: LabelledResult[];
let frames: Frame[];
beforeAll(async () => {
  const runbook = shippedRunbook('gc-thrash-allocation-churn');
  const step = runbook.triage.steps.find((s) => s.kind === 'simulate') as SimulateStep;
  results = simulateRunbookStep(step, join(RUNBOOKS_DIR, 'gc-thrash-allocation-churn.yaml')).results;
  frames = await cardWalk();
});

describe('simulation output', () => {
  it('leads with the objective (GC time for churn), with the numbers of the table, the rest as side effects', () => {
    const verdict = simulationVerdict(results, { objective: 'gc-time' });
    const base = results[0]?.result;
    expect(base?.perSecond).toBeTruthy();
    expect(verdict).toMatch(/^(Setting the thresholds to|Raising|Moving to|Calling|Breaking|Disabling)/);
    expect(verdict).toContain(`cuts GC time ${(base?.perSecond?.gcMs ?? 0).toFixed(2)} → `);
    expect(verdict).toMatch(
      / ms\/s \(−[0-9]+%\); longest pause [+−±][0-9]+%; p99 pause [+−±][0-9]+%; memory [+−±][0-9]+%\./,
    );
  });

  it('reports what the objective does not cover as side effects (a longest pause raised)', () => {
    const base = results[0] as LabelledResult;
    const b = base.result;
    const perSecond = b.perSecond as NonNullable<typeof b.perSecond>;
    // What freezing a big heap does: the same young collections, less GC time, a shorter longest pause.
    const frozen = {
      label: 'freeze',
      result: {
        ...b,
        perSecond: {
          ...perSecond,
          collections: [perSecond.collections[0] * 0.999, ...perSecond.collections.slice(1)],
          gcMs: perSecond.gcMs / 4,
        },
        pauses: { ...b.pauses, maxMs: Math.max(4, b.pauses.maxMs * 4) },
      },
    } as LabelledResult;
    const verdict = simulationVerdict([base, frozen], { objective: 'gc-time' });
    expect(verdict).toMatch(
      /^Calling gc\.freeze\(\) after start-up cuts GC time [0-9.]+ → [0-9.]+ ms\/s \(−75%\); /,
    );
    expect(verdict).toMatch(/; longest pause \+[0-9]+%; p99 pause ±0%; memory ±0%\.$/);
  });

  it('says so when no variant beats the baseline', () => {
    const base = results[0] as LabelledResult;
    const worse = {
      label: 'python=3.13',
      result: {
        ...base.result,
        perSecond: base.result.perSecond && {
          ...base.result.perSecond,
          gcMs: base.result.perSecond.gcMs * 2,
        },
      },
    };
    expect(simulationVerdict([base, worse])).toMatch(/^No variant beats the baseline/);
    expect(describeWhatIf('threshold=7000')).toBe('Raising threshold0 to 7000');
  });

  it('fits the compact table in 60 characters while the full table is wider', () => {
    const compact = compactComparison(results);
    const widths = compact
      .trimEnd()
      .split('\n')
      .map((l) => [...l].length);
    expect(Math.max(...widths)).toBeLessThanOrEqual(COMPACT_WIDTH);
    expect(compact.trimEnd().split('\n')).toHaveLength(results.length + 1);
    expect(
      Math.max(
        ...formatComparison(results)
          .split('\n')
          .map((l) => l.length),
      ),
    ).toBeGreaterThan(COMPACT_WIDTH);
  });

  it('posts the verdict first, then the compact table, and points at the attached full table', () => {
    const step = {
      id: 'simulate-churn',
      title: 'Compare thresholds',
      phase: 'triage',
      kind: 'simulate',
      optional: false,
      status: 'done',
    } as const;
    const [message] = simulationMessages(step, formatComparison(results), false, {
      verdict: simulationVerdict(results, { objective: 'gc-time' }),
      compact: compactComparison(results),
    });
    const texts = message?.blocks.map((b) => JSON.stringify(b)) ?? [];
    expect(texts[0]).toContain('cuts GC time');
    expect(texts[1]).toContain('gen0/s');
    expect(texts.at(-1)).toContain('Full table: the attached file');
    expect(messageViolations({ text: message?.text, blocks: message?.blocks })).toEqual([]);
  });
});

describe('/gc-incident status and list', () => {
  it('shows phase, commander, age in Slack date formatting and the next step, without millisecond timestamps', async () => {
    const frame = frames[3] as Frame;
    const timeline = Array.from({ length: 30 }, (_, i) => ({
      seq: i + 1,
      incidentId: frame.incident.id,
      at: `2026-11-20T02:${String(10 + i).padStart(2, '0')}:00.123Z`,
      actor: 'U0BOB00001',
      type: 'note.added' as const,
      data: { text: `note ${i}` },
    }));
    const status = statusMessage(frame.incident, timeline, shippedRunbook('gc-thrash-allocation-churn'));
    const json = JSON.stringify(status.blocks);
    expect(json).toContain('Triage · open · commander <@U0ALICE001>');
    expect(json).toMatch(/<!date\^\d+\^opened \{ago\}/);
    expect(json).toContain('*Next:* Run');
    expect(json).not.toMatch(/\d\d:\d\d:\d\d\.\d{3}/);
    expect(status.blocks.length).toBeLessThanOrEqual(12);
    expect(messageViolations({ text: status.text, blocks: status.blocks })).toEqual([]);
    const list = JSON.stringify(listMessage([frame.incident, (frames[9] as Frame).incident], false).blocks);
    expect(list).toContain('Triage · open · <@U0ALICE001> · <!date^');
    expect(list).toContain('👉 Run');
    expect(list).toContain('👉 Verification held');
  });

  it("shows every check's operator and threshold, also before it runs, and each value once run", () => {
    const runbook = shippedRunbook('gc-thrash-allocation-churn');
    const triage = frames[3] as Frame;
    const json = JSON.stringify(statusMessage(triage.incident, [], runbook).blocks);
    // Detection ran (its value, operator, threshold and mark); verification has not yet.
    const detection = triage.incident.steps.filter((s) => s.phase === 'detection' && s.kind === 'check');
    expect(detection.length).toBeGreaterThan(0);
    for (const step of detection) expect(json).toContain(`Detection: *${step.title}*`);
    expect(json).toMatch(/\/s, (over|under|at) the 50\/s limit [✓✗]/);
    expect(json).toContain(
      'Verification: *Generation-0 collections per second back under 50*  &lt;= 50/s (not run yet)',
    );
    // Without the runbook the figure is still said to be pending, never left blank.
    const bare = JSON.stringify(statusMessage(triage.incident, []).blocks);
    expect(bare).toContain(
      'Verification: *Generation-0 collections per second back under 50*  (not run yet)',
    );
    // At the opening, nothing has run: detection's checks are the phase's steps, with their thresholds.
    const opened = JSON.stringify(statusMessage((frames[0] as Frame).incident, [], runbook).blocks);
    expect(opened).toContain('&gt; 50/s (not run yet)');
    expect(opened).toContain('&lt;= 50/s (not run yet)');
  });
});
