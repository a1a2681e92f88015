/**
 * The service's GC state as gc-incident checks, shows and reuses it: parsing refuses what is not
 * the exporter's JSON, strips control characters, and bounds lists; Slack and the terminal show
 * the same table with everything from the service escaped; the simulation baseline takes the
 * observed thresholds and freeze.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnose } from '../../src/cli/walk/diagnose-table.js';
import { rebaseOnObserved } from '../../src/core/diagnose/baseline.js';
import { parseGcState } from '../../src/core/diagnose/gc-state.js';
import { stateTable, summaryLine } from '../../src/core/diagnose/render.js';
import { DIAGNOSE_RESULT, type DiagnoseResult, observedGc } from '../../src/core/diagnose/result.js';
import type { Incident, StepState } from '../../src/core/incident/model.js';
import { applyWhatIf } from '../../src/core/simulator/what-if.js';
import { normalizeWorkload } from '../../src/core/simulator/workload.js';
import { diagnoseMessages } from '../../src/slack/blocks/diagnose.js';

const body = (over: Record<string, unknown> = {}) => ({
  schema: 'gc-incident/diagnostics/v1',
  python: { implementation: 'cpython', version: '3.12.1' },
  pid: 42,
  enabled: true,
  thresholds: [2000, 10, 10],
  counts: [150, 3, 1],
  frozen: 1234,
  garbage: 0,
  stats: [
    { generation: 0, collections: 9000, collected: 120000, uncollectable: 0 },
    { generation: 1, collections: 800, collected: 3000, uncollectable: 0 },
    { generation: 2, collections: 70, collected: 90000, uncollectable: 2 },
  ],
  objects: {
    tracked: 500000,
    top: Array.from({ length: 25 }, (_, i) => ({ type: `app.T${i}`, count: 1000 - i })),
    age_seconds: 1.2,
  },
  tracemalloc: null,
  ...over,
});

const step: StepState = {
  id: 'gc-state',
  phase: 'triage',
  kind: 'diagnose',
  title: 'GC <state>',
  optional: true,
  status: 'done',
};

describe('parseGcState', () => {
  it('reads the exporter JSON, keeping at most 20 types', () => {
    const state = parseGcState(body());
    expect(state).toMatchObject({
      enabled: true,
      thresholds: [2000, 10, 10],
      frozen: 1234,
      python: '3.12.1',
    });
    expect(state.objects.top).toHaveLength(20);
    expect(state.generations[2]).toEqual({
      generation: 2,
      collections: 70,
      collected: 90000,
      uncollectable: 2,
    });
  });

  it.each([
    ['not an object', 'oops'],
    ['another schema', body({ schema: 'prometheus' })],
    ['a negative count', body({ frozen: -1 })],
    ['a string threshold', body({ thresholds: ['700', 10, 10] })],
    ['no objects', body({ objects: undefined })],
    ['NaN', body({ counts: [Number.NaN] })],
  ])('refuses %s with DIAGNOSTICS_INVALID', (_what, value) => {
    expect(() => parseGcState(value)).toThrow(expect.objectContaining({ code: 'DIAGNOSTICS_INVALID' }));
  });

  it('strips control characters and marks bidi controls in every string from the service', () => {
    const state = parseGcState(
      body({
        objects: {
          tracked: 1,
          top: [{ type: `evil\u001b[2J\u001b]8;;x\u0007\n\u202Ename${'y'.repeat(500)}`, count: 1 }],
        },
      }),
    );
    const name = state.objects.top[0]?.type ?? '';
    expect([...name].filter((c) => (c.codePointAt(0) ?? 0) < 32 || c === '\u202E')).toEqual([]);
    expect(name).toContain('[U+202E]');
    expect(name.length).toBeLessThanOrEqual(220);
  });
});

describe('the table, on both surfaces', () => {
  const result: DiagnoseResult = {
    kind: DIAGNOSE_RESULT,
    action: 'gc-diagnostics',
    method: 'GET',
    url: 'http://svc/debug/gc?token=***',
    status: 200,
    durationMs: 12,
    state: parseGcState(
      body({
        enabled: false,
        objects: {
          tracked: 9,
          top: [
            { type: '<!channel> <@U123> *bold*', count: 5 },
            { type: 'x```y', count: 4 },
          ],
        },
      }),
    ),
  };

  it('summarises and tabulates the state', () => {
    expect(summaryLine(result.state)).toBe(
      'collector DISABLED · thresholds 2000/10/10 · 1,234 frozen · 9 tracked objects · CPython 3.12.1 (pid 42)',
    );
    expect(stateTable(result.state).split('\n').slice(0, 4)).toEqual([
      'gen  threshold  pending  collections  collected  uncollectable',
      '0        2,000      150        9,000    120,000              0',
      '1           10        3          800      3,000              0',
      '2           10        1           70     90,000              2',
    ]);
  });

  it('Slack: everything from the service is escaped, the table cannot close its fence', () => {
    const messages = diagnoseMessages(step, result);
    const json = JSON.stringify(messages);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U123>');
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('GC &lt;state&gt;');
    expect(json).not.toContain('x```y');
    expect(messages[0]?.text).toContain('collector DISABLED');
  });

  it('the terminal shows the same summary and table', () => {
    const text = formatDiagnose(result);
    expect(text).toContain(summaryLine(result.state));
    expect(text).toContain(stateTable(result.state));
    expect(text).toContain('GET http://svc/debug/gc?token=***: 200 in 12 ms');
  });
});

describe('the simulation baseline', () => {
  const incident = (steps: StepState[]) => ({ steps }) as unknown as Incident;

  it('comes from the latest completed diagnose step', () => {
    const result = { kind: DIAGNOSE_RESULT, state: parseGcState(body()) };
    expect(observedGc(incident([{ ...step, status: 'failed' }]))).toBeUndefined();
    expect(observedGc(incident([{ ...step, result }]))).toEqual({
      stepId: 'gc-state',
      thresholds: [2000, 10, 10],
      frozen: 1234,
    });
  });

  it("takes the service's thresholds and freeze, and applies the what-ifs on top", () => {
    const base = normalizeWorkload({
      name: 'w',
      python: '3.12',
      iterations: 10,
      each_iteration: [{ keep: 1 }],
    });
    const variants = [
      { label: 'baseline', workload: base },
      { label: 'threshold=50000', workload: applyWhatIf(base, 'threshold=50000') },
    ];
    const observed = { stepId: 'gc-state', thresholds: [4321, 17, 9] as const, frozen: 1234 };
    const rebased = rebaseOnObserved(variants, ['threshold=50000'], observed);
    expect(base.thresholds).not.toEqual([4321, 17, 9]);
    expect(base.setup.freeze).toBe(false);
    expect(rebased.variants[0]?.workload.thresholds).toEqual([4321, 17, 9]);
    expect(rebased.variants[0]?.workload.setup.freeze).toBe(true);
    expect(rebased.variants[1]?.workload.thresholds).toEqual([50000, 17, 9]);
    expect(rebased.variants[1]?.workload.setup.freeze).toBe(true);
    expect(rebased.note).toContain('thresholds 4321/17/9, 1,234 objects frozen');
    expect(rebaseOnObserved(variants, ['threshold=50000'], undefined).variants[0]?.workload).toBe(base);
  });
});
