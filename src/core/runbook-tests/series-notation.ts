/**
 * promtool's input-series notation, so test files read like `promtool test rules` files:
 * a series `name{label="value",...}` and values such as `0+600x30`, `5x10`, `_x3`, `1 2 _ NaN`.
 * `stale` is refused: staleness markers cannot be written into a backfilled block.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*/;
const MAX_VALUES = 100_000;

export function parseSeriesSelector(text: string): Parsed<Record<string, string>> {
  const trimmed = text.trim();
  const name = NAME.exec(trimmed)?.[0];
  if (!name)
    return { ok: false, reason: 'must start with a metric name such as python_gc_collections_total' };
  const labels: Record<string, string> = { __name__: name };
  let rest = trimmed.slice(name.length).trim();
  if (rest === '') return { ok: true, value: labels };
  if (!rest.startsWith('{') || !rest.endsWith('}'))
    return { ok: false, reason: 'labels must be written as {name="value",...} after the metric name' };
  rest = rest.slice(1, -1);
  while (rest.trim() !== '') {
    const m = LABEL.exec(rest);
    if (!m?.[1] || m[2] === undefined)
      return {
        ok: false,
        reason: `cannot read a label at '${rest.trim().slice(0, 30)}': write name="value"`,
      };
    if (m[1] in labels) return { ok: false, reason: `label '${m[1]}' is given twice` };
    labels[m[1]] = unescapeLabel(m[2]);
    rest = rest.slice(m[0].length);
    if (rest.startsWith(',')) rest = rest.slice(1);
    else if (rest.trim() !== '') return { ok: false, reason: 'labels must be separated by commas' };
  }
  return { ok: true, value: labels };
}

function unescapeLabel(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

const NUMBER = '[-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN)';
const EXPANDING = new RegExp(`^(${NUMBER})([-+])(${NUMBER})x([0-9]+)$`);
const REPEATED = new RegExp(`^(${NUMBER}|_)x([0-9]+)$`);
const SINGLE = new RegExp(`^(${NUMBER}|_)$`);

/** Expands `0+600x30 _x2 5` into values, one per interval; `undefined` is a missing sample. */
export function expandValues(text: string): Parsed<(number | undefined)[]> {
  const out: (number | undefined)[] = [];
  for (const token of text.trim().split(/\s+/)) {
    if (token === 'stale' || token.startsWith('stalex'))
      return { ok: false, reason: "'stale' is not supported: write '_' for a missing sample" };
    let m = EXPANDING.exec(token);
    if (m) {
      const start = num(m[1]);
      const step = num(m[3]) * (m[2] === '-' ? -1 : 1);
      const times = Number(m[4]);
      if (out.length + times + 1 > MAX_VALUES) return tooMany();
      // promtool: 'a+bxn' is n+1 values, a, a+b, ..., a+n*b
      for (let i = 0; i <= times; i++) out.push(start + i * step);
      continue;
    }
    m = REPEATED.exec(token);
    if (m) {
      const times = Number(m[2]);
      if (out.length + times > MAX_VALUES) return tooMany();
      // promtool: '_xn' is n missing samples, but 'axn' is n+1 copies of a
      const count = m[1] === '_' ? times : times + 1;
      for (let i = 0; i < count; i++) out.push(m[1] === '_' ? undefined : num(m[1]));
      continue;
    }
    m = SINGLE.exec(token);
    if (m) {
      out.push(m[1] === '_' ? undefined : num(m[1]));
      continue;
    }
    return {
      ok: false,
      reason: `cannot read '${token}': write values such as '0+600x30', '5x10', '_x3' or '1 2 3'`,
    };
  }
  return { ok: true, value: out };
}

function num(text: string | undefined): number {
  const t = (text ?? '').replace(/^\+/, '');
  if (t === 'Inf') return Number.POSITIVE_INFINITY;
  if (t === '-Inf') return Number.NEGATIVE_INFINITY;
  if (t === 'NaN' || t === '-NaN') return Number.NaN;
  return Number(t);
}

function tooMany(): Parsed<never> {
  return { ok: false, reason: `more than ${MAX_VALUES} values in one series` };
}
