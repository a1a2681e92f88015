/**
 * The one unit formatter: every value, threshold and chart label on every surface (Slack, the
 * terminal, the postmortem, charts, check reasons) goes through it. Numbers as people read
 * them, in the unit a runbook declares: 612/s, 82%, 32 ms, 1 min 55 s, 3.07 GiB, 2.1 MiB/min;
 * never `e+` notation, never a raw byte count.
 */
import { formatSpan } from '../duration.js';
import type { RatioOf, Unit } from '../runbook/types.js';
import type { CheckEvaluation } from './evaluate.js';

/** Large numbers compact (3.3 billion), tiny ones in decimals: never `e+`/`e-` notation. */
const COMPACT = new Intl.NumberFormat('en', {
  notation: 'compact',
  compactDisplay: 'long',
  maximumSignificantDigits: 3,
});

/** A number without a unit: 3 significant digits, compact from a million, decimals below 0.001. */
export function formatPlain(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 1e6) return COMPACT.format(v);
  if (abs !== 0 && abs < 1e-3)
    return v.toFixed(Math.min(20, 2 - Math.floor(Math.log10(abs)))).replace(/0+$/, '');
  if (abs >= 100) return Math.round(v).toString();
  return Number(v.toPrecision(3)).toString();
}

function seconds(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && abs < 1) return `${formatPlain(value * 1000)} ms`;
  if (abs < 60 || !Number.isFinite(value)) return `${formatPlain(value)} s`;
  return `${value < 0 ? '-' : ''}${formatSpan(Math.round(abs) * 1000)}`;
}

function bytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatPlain(v)} ${units[i]}`;
}

export function formatMeasure(value: number, unit: Unit | undefined = 'none'): string {
  switch (unit) {
    case 'per-second':
      return `${formatPlain(value)}/s`;
    case 'percent':
      return `${formatPlain(value)}%`;
    // A ratio without `ratioOf` is a share: 0.93 reads 93%.
    case 'ratio':
      return `${formatPlain(value * 100)}%`;
    case 'seconds':
      return seconds(value);
    case 'bytes':
      return bytes(value);
    // A growth rate, as `deriv(…_bytes[…])` (per second) or that times 60 (per minute) answers.
    case 'bytes-per-second':
      return `${bytes(value)}/s`;
    case 'bytes-per-minute':
      return `${bytes(value)}/min`;
    case 'objects':
      return `${formatPlain(value)} ${value === 1 ? 'object' : 'objects'}`;
    default:
      return formatPlain(value);
  }
}

/**
 * What a ratio check's value stands for: the `ratioOf` entry of the `or` alternative that
 * decided (decided-by.ts), or the only one. Undefined when the check declares none, or when
 * several are declared and which one answered is not known.
 */
export function ratioQuantity(
  check: { readonly unit?: Unit | undefined; readonly ratioOf?: readonly RatioOf[] | undefined } | undefined,
  evaluation?: Pick<CheckEvaluation, 'decidedBy'> | undefined,
): RatioOf | undefined {
  const of = check?.unit === 'ratio' ? check.ratioOf : undefined;
  if (!of || of.length === 0) return undefined;
  if (of.length === 1) return of[0];
  const index = evaluation?.decidedBy?.alternative;
  return index === undefined ? undefined : of[index - 1];
}
