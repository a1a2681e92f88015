/**
 * Prometheus-style durations (`90s`, `5m`, `1h30m`, `7d`): the syntax runbooks
 * use for `for`, `stableFor`, ranges, steps and follow-up offsets. Units must
 * appear from largest to smallest, each at most once, as Prometheus requires.
 */
const UNITS = [
  ['y', 365 * 24 * 3600 * 1000],
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
] as const;

export const DURATION_PATTERN = '^([0-9]+(ms|s|m|h|d|w|y))+$';
const PART = /([0-9]+)(ms|s|m|h|d|w|y)/gy;

export type DurationResult = { ok: true; ms: number } | { ok: false; reason: string };

export function parseDuration(text: string): DurationResult {
  if (text.length === 0) return { ok: false, reason: 'empty duration' };
  PART.lastIndex = 0;
  let total = 0;
  let lastRank = -1;
  let match: RegExpExecArray | null = PART.exec(text);
  let consumed = 0;
  while (match !== null) {
    const [whole, digits, unit] = match;
    const rank = UNITS.findIndex(([u]) => u === unit);
    if (rank <= lastRank) {
      return {
        ok: false,
        reason: `units must go from largest to smallest, each once (got '${unit}' after a smaller or equal unit)`,
      };
    }
    lastRank = rank;
    total += Number(digits) * (UNITS[rank]?.[1] ?? 0);
    consumed += whole.length;
    match = PART.exec(text);
  }
  if (consumed !== text.length) {
    return {
      ok: false,
      reason: "expected digits followed by a unit (ms, s, m, h, d, w, y), such as '5m' or '1h30m'",
    };
  }
  if (!Number.isSafeInteger(total)) return { ok: false, reason: 'duration is too long' };
  return { ok: true, ms: total };
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of UNITS) {
    if (unit === 'y' || unit === 'w') continue; // `7d` reads better than `1w` in messages
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/**
 * A span as people say it: "450 ms", "12 s", "1 min 55 s", "2 h 5 min", "3 d 4 h" (two units at
 * most; the smaller one dropped when zero). formatDuration writes the runbook notation instead.
 */
export function formatSpan(ms: number): string {
  const abs = Math.abs(ms);
  if (abs === 0) return '0 s';
  if (abs < 1000) return `${Math.round(abs)} ms`;
  const parts: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const i = parts.findIndex(([size]) => abs >= size);
  const [big, bigUnit] = parts[i] as [number, string];
  const n = Math.floor(abs / big);
  const next = parts[i + 1];
  if (!next) return `${n} ${bigUnit}`;
  const m = Math.floor((abs - n * big) / next[0]);
  return m > 0 ? `${n} ${bigUnit} ${m} ${next[1]}` : `${n} ${bigUnit}`;
}
