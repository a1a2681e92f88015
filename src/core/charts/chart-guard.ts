/**
 * What a time chart may be drawn from. resvg (the PNG rasteriser) aborted the
 * whole process, a native panic no try/catch sees, on a chart whose opening
 * marker sat in 1970 while its data were recent: Vega's autosize grew the
 * drawing to 18 billion pixels. Hostile or broken data (epoch-0 or NaN times,
 * 1e308 values) are therefore checked here before any spec is built: points
 * without a finite time and value are dropped, a marker or threshold that
 * cannot sit on the axes is left out, one moment or one value gets axes with
 * room, and a chart that cannot be drawn sensibly is refused with a
 * "chart not drawn: …" note saying why.
 * Pure: no clock, no I/O.
 */
import type { Series } from '../ports.js';

/** Times a chart accepts (ms since the epoch): a sample outside is a clock or exporter bug. */
export const CHART_EARLIEST_MS = Date.UTC(2000, 0, 1);
export const CHART_LATEST_MS = Date.UTC(2100, 0, 1);
/** Values a chart accepts: beyond, the axis labels and layout stop meaning anything. */
export const CHART_MAX_ABS_VALUE = 1e15;

export type ChartInput =
  | {
      readonly ok: true;
      readonly series: readonly Series[];
      readonly threshold?: number | undefined;
      /** Ms since the epoch, kept only when it lies near the data. */
      readonly markerAt?: number | undefined;
      /** Set when every value (threshold included) is the same: the y domain to draw instead. */
      readonly flatDomain?: readonly [number, number] | undefined;
      /** Set when every sample is at one moment (a datasource that just started): ms, a minute each side. */
      readonly timeDomain?: readonly [number, number] | undefined;
    }
  | { readonly ok: false; readonly note: string };

/** A sample's time (seconds) as people read it; times Date cannot hold are shown as numbers. */
function when(seconds: number): string {
  const ms = seconds * 1000;
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${seconds} s after 1970`;
}

/** Checks a range chart's series (times in seconds, as Prometheus answers) and decorations. */
export function checkRangeChart(
  series: readonly Series[],
  options: { threshold?: number | undefined; markerAt?: number | undefined },
): ChartInput {
  const kept = series.map((s) => ({
    labels: s.labels,
    points: s.points.filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v)),
  }));
  let tMin = Number.POSITIVE_INFINITY;
  let tMax = Number.NEGATIVE_INFINITY;
  let vMin = Number.POSITIVE_INFINITY;
  let vMax = Number.NEGATIVE_INFINITY;
  // Loops, not Math.min(...): a series may hold more points than a call takes arguments.
  for (const s of kept)
    for (const [t, v] of s.points) {
      const ms = t * 1000;
      if (ms < CHART_EARLIEST_MS || ms >= CHART_LATEST_MS)
        return {
          ok: false,
          note: `chart not drawn: a sample is dated ${when(t)}, outside 2000–2100 (the datasource's clock or the exporter's timestamps are wrong)`,
        };
      if (Math.abs(v) > CHART_MAX_ABS_VALUE)
        return {
          ok: false,
          note: `chart not drawn: a value of ${v} is beyond ±1e15 (check the metric's unit)`,
        };
      tMin = Math.min(tMin, ms);
      tMax = Math.max(tMax, ms);
      vMin = Math.min(vMin, v);
      vMax = Math.max(vMax, v);
    }
  if (tMin > tMax) return { ok: false, note: 'chart not drawn: no sample has a finite time and value' };
  // One moment (a single point, or a datasource that has just started): drawn on a two-minute
  // axis around it, since Vega's empty time domain would put it nowhere.
  const timeDomain = tMin === tMax ? ([tMin - 60_000, tMax + 60_000] as const) : undefined;
  const threshold =
    options.threshold !== undefined &&
    Number.isFinite(options.threshold) &&
    Math.abs(options.threshold) <= CHART_MAX_ABS_VALUE
      ? options.threshold
      : undefined;
  // A marker far from the data would stretch the drawing (the 1970 crash): near the data or not at all.
  const span = Math.max(tMax - tMin, 60_000);
  const markerAt =
    options.markerAt !== undefined &&
    Number.isFinite(options.markerAt) &&
    options.markerAt >= tMin - span &&
    options.markerAt <= tMax + span
      ? options.markerAt
      : undefined;
  const lo = Math.min(vMin, threshold ?? vMin);
  const hi = Math.max(vMax, threshold ?? vMax);
  // One value everywhere: Vega's domain would be empty (NaN positions); give the line room.
  const pad = Math.max(1, Math.abs(lo) / 10);
  const flatDomain = lo === hi ? ([Math.min(0, lo - pad), Math.max(0, hi + pad)] as const) : undefined;
  return {
    ok: true,
    series: kept.filter((s) => s.points.length > 0),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(markerAt !== undefined ? { markerAt } : {}),
    ...(flatDomain ? { flatDomain } : {}),
    ...(timeDomain ? { timeDomain } : {}),
  };
}

/** Whether an SVG's size is one a rasteriser can allocate: finite, positive, at most `max` px a side. */
export function svgSizeProblem(svg: string, max = 4000): string | undefined {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([^"]*)"/.exec(root)?.[1] ?? Number.NaN);
  const height = Number(/\sheight="([^"]*)"/.exec(root)?.[1] ?? Number.NaN);
  if (!(width > 0 && height > 0 && width <= max && height <= max))
    return `chart not drawn: the drawing would be ${width}×${height} px (at most ${max} a side)`;
  // Geometry only: a title may say "NaN" in an aria-label.
  if (/\s(?:d|x|y|x1|x2|y1|y2|cx|cy|r|width|height|transform|points|viewBox)="[^"]*(NaN|Infinity)/.test(svg))
    return 'chart not drawn: the drawing holds positions that are not numbers (NaN or Infinity)';
  return undefined;
}
