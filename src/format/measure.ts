/** Numbers as people read them, in the unit a runbook declares (612/s, 82%, 3.1 ms, 140 MiB). */
import type { Unit } from '../core/runbook/types.js';

/** Large numbers compact (3.3 billion), tiny ones in decimals: never `e+`/`e-` notation. */
const COMPACT = new Intl.NumberFormat('en', {
  notation: 'compact',
  compactDisplay: 'long',
  maximumSignificantDigits: 3,
});

function plain(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 1e6) return COMPACT.format(v);
  if (abs !== 0 && abs < 1e-3)
    return v.toFixed(Math.min(20, 2 - Math.floor(Math.log10(abs)))).replace(/0+$/, '');
  if (abs >= 100) return Math.round(v).toString();
  return Number(v.toPrecision(3)).toString();
}

export function formatMeasure(value: number, unit: Unit | undefined = 'none'): string {
  switch (unit) {
    case 'per-second':
      return `${plain(value)}/s`;
    case 'percent':
      return `${plain(value)}%`;
    case 'seconds': {
      const abs = Math.abs(value);
      if (abs !== 0 && abs < 1) return `${plain(value * 1000)} ms`;
      if (abs >= 120) return `${plain(value / 60)} min`;
      return `${plain(value)} s`;
    }
    case 'bytes': {
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      let v = value;
      let i = 0;
      while (Math.abs(v) >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return `${plain(v)} ${units[i]}`;
    }
    default:
      return plain(value);
  }
}
