/**
 * New finding (medium): resvg, which rasterises charts to PNG, panicked
 * natively on a chart whose data were recent but whose opening marker sat at
 * epoch 0: Vega's autosize stretched the drawing to 18,133,334,079 px and
 * resvg's `Option::unwrap()` aborted the process (exit 134; nothing to catch,
 * and in `serve` the chart worker shares the process). Reproduced with
 * `rangeChartSpec` → `renderSvg` → `svgToPng`; a 1e308 value with the same
 * marker did the same. Now the chart input is checked before any spec is built
 * (src/core/charts/chart-guard.ts): hostile series are refused with a
 * "chart not drawn: …" note, a marker or threshold off the axes is left out,
 * one moment or one value get usable axes; and `svgToPng` refuses an SVG too large or with
 * non-numeric positions whatever drew it. The rendering itself is exercised in
 * chart-hostile-render.integration.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRangeChart, svgSizeProblem } from '../../src/core/charts/chart-guard.js';
import { rangeChartSpec } from '../../src/core/checks/chart-spec.js';
import { isGcIncidentError } from '../../src/core/errors.js';
import type { Series } from '../../src/core/ports.js';
import { type FakePrometheus, startFakePrometheus } from '../helpers/fake-prometheus.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { SlackHarness, until } from '../helpers/slack-app.js';

const NOW = 1_795_000_000;
const recent = (n: number, value = (i: number) => 40 + i): [number, number][] =>
  Array.from({ length: n }, (_, i) => [NOW + i * 15, value(i)]);
const one = (points: [number, number][]): Series[] => [{ labels: { job: 'api' }, points }];

function refusal(series: Series[], options: { threshold?: number; marker?: number } = {}): string {
  try {
    rangeChartSpec(series, {
      title: 'hostile',
      stepSeconds: 15,
      threshold: options.threshold,
      marker: options.marker === undefined ? undefined : { at: options.marker, label: 'opened' },
    });
  } catch (error) {
    if (isGcIncidentError(error) && error.code === 'CHART_NOT_DRAWN') return error.message;
    throw error;
  }
  return 'drawn';
}

type Spec = { data: { name: string; values: unknown[] }[]; scales: { name: string; domain: unknown }[] };
const spec = (series: Series[], options: { threshold?: number; marker?: number } = {}) =>
  rangeChartSpec(series, {
    title: 't',
    stepSeconds: 15,
    threshold: options.threshold,
    marker: options.marker === undefined ? undefined : { at: options.marker, label: 'opened' },
  }) as unknown as Spec;

describe('hostile series never reach the renderer', () => {
  it.each([
    [
      'epoch 0',
      [
        [0, 1],
        [15, 2],
      ],
      /dated 1970-01-01T00:00:00.000Z, outside 2000–2100/,
    ],
    [
      'tiny times',
      [
        [1e-9, 1],
        [2e-9, 2],
      ],
      /dated 1970-01-01T00:00:00.000Z/,
    ],
    [
      '1e308 times',
      [
        [1e308, 1],
        [NOW, 2],
      ],
      /dated 1e\+308 s after 1970/,
    ],
    [
      'negative times',
      [
        [-1e12, 1],
        [NOW, 2],
      ],
      /outside 2000–2100/,
    ],
    [
      'a 1e308 value',
      [
        [NOW, 1e308],
        [NOW + 15, 1],
      ],
      /a value of 1e\+308 is beyond ±1e15/,
    ],
    [
      'a -1e308 value',
      [
        [NOW, -1e308],
        [NOW + 15, 1],
      ],
      /a value of -1e\+308/,
    ],
    [
      'NaN and Infinity only',
      [
        [Number.NaN, 1],
        [NOW, Number.NaN],
        [Number.POSITIVE_INFINITY, 2],
      ],
      /no sample has a finite time and value/,
    ],
    ['nothing', [], /no sample has a finite time and value/],
  ] as [string, [number, number][], RegExp][])(
    '%s: refused with a "chart not drawn" note',
    (_, points, why) => {
      const note = refusal(one(points));
      expect(note).toMatch(/^chart not drawn: /);
      expect(note).toMatch(why);
    },
  );

  it('a single point, or every sample at one time, is drawn on a two-minute axis around it', () => {
    type X = { name: string; domain: unknown };
    for (const points of [
      [[NOW, 5]],
      [
        [NOW, 5],
        [NOW, 6],
      ],
    ] as [number, number][][]) {
      const x = (spec(one(points)).scales as X[]).find((s) => s.name === 'x');
      expect(x?.domain).toEqual([NOW * 1000 - 60_000, NOW * 1000 + 60_000]);
    }
  });

  it('a marker at epoch 0 (the crash) or NaN is left out; the chart is drawn without it', () => {
    for (const marker of [0, Number.NaN, -1e308, 1e308])
      expect(spec(one(recent(20)), { marker }).data.find((d) => d.name === 'marker')?.values).toEqual([]);
    const near = (NOW + 60) * 1000;
    expect(
      spec(one(recent(20)), { marker: near }).data.find((d) => d.name === 'marker')?.values,
    ).toHaveLength(1);
  });

  it('a threshold of NaN, Infinity or 1e308 is not drawn; the series are', () => {
    for (const threshold of [Number.NaN, Number.POSITIVE_INFINITY, 1e308]) {
      const s = spec(one(recent(20)), { threshold });
      expect(s.data.find((d) => d.name === 'threshold')?.values).toEqual([]);
      expect(s.data.find((d) => d.name === 'points')?.values).toHaveLength(20);
    }
  });

  it('all-equal values (zero included) get an axis with room, not an empty domain', () => {
    const y = (series: Series[]) => spec(series).scales.find((s) => s.name === 'y')?.domain;
    expect(y(one(recent(10, () => 0)))).toEqual([-1, 1]);
    expect(y(one(recent(10, () => 5)))).toEqual([0, 6]);
    expect(y(one(recent(10, (i) => i)))).toMatchObject({ fields: expect.any(Array) });
  });

  it('NaN points among good ones are dropped, the rest drawn', () => {
    const points: [number, number][] = [...recent(5), [Number.NaN, 3], [NOW + 200, Number.NaN]];
    const checked = checkRangeChart(one(points), {});
    expect(checked.ok && checked.series[0]?.points).toHaveLength(5);
  });

  it('svgToPng refuses an SVG whose size or positions no rasteriser can allocate', () => {
    const svg = (w: string, h: string, body = '') =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${body}</svg>`;
    expect(svgSizeProblem(svg('18133334079', '386'))).toMatch(
      /^chart not drawn: the drawing would be 18133334079×386 px/,
    );
    expect(svgSizeProblem(svg('NaN', '300'))).toMatch(/^chart not drawn/);
    expect(svgSizeProblem(svg('0', '300'))).toMatch(/^chart not drawn/);
    expect(svgSizeProblem('<svg>no size</svg>')).toMatch(/^chart not drawn/);
    expect(svgSizeProblem(svg('640', '300', '<path d="MNaN,0L1,1"/>'))).toMatch(/not numbers/);
    expect(svgSizeProblem(svg('640', '300', '<path d="M0,0L1,1"/>'))).toBeUndefined();
  });
});

describe('in Slack, a check chart that cannot be drawn says so in the thread', () => {
  let prom: FakePrometheus;
  let h: SlackHarness;
  beforeAll(async () => {
    // The check breaches (an instant answer of 1 > 0.01); its incident-window chart answers 1970.
    prom = await startFakePrometheus((q) =>
      q.path.endsWith('query_range')
        ? {
            matrix: [
              {
                labels: { job: 'app' },
                points: [
                  [0, 1],
                  [15, 2],
                  [30, 3],
                ],
              },
            ],
          }
        : { vector: [{ labels: { job: 'app' }, value: 1 }] },
    );
    h = await SlackHarness.start({
      runbooksDir: `${RUNBOOKS_DIR}/../tests/fixtures/runbooks`,
      env: { PROMETHEUS_URL: prom.url },
    });
  }, 30_000);
  afterAll(async () => {
    await h?.stop();
    await prom?.stop();
  });

  it('posts "chart not drawn: …" instead of a PNG, and the app keeps serving', async () => {
    await h.slash('start minimal-runbook job=app');
    const { id } = await h.latestIncident();
    const note = await until(async () =>
      (await h.thread(id)).find((m) => JSON.stringify(m.blocks).includes('chart not drawn')),
    );
    expect(JSON.stringify(note.blocks)).toContain('a sample is dated 1970-01-01T00:00:00.000Z');
    expect(h.api.files.filter((f) => f.filename === 'gen2.png')).toEqual([]);
    const status = await h.slash(`status ${id}`);
    expect(status.status).toBe(200);
  });
});
