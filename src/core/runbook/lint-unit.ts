/**
 * A unit must say what the query answers: `deriv(…_bytes[…]) * 60` is a growth in bytes per
 * minute, and `unit: bytes` would have every surface write "2.1 MiB, over the 1 MiB limit" for
 * it. A warning: the runbook still loads, and `validate` says which unit to write.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { Locator } from '../yaml/load-yaml.js';
import type { Runbook, Unit } from './types.js';

type Path = (string | number)[];

/** `deriv(`, `rate(` or `irate(` applied straight to a metric counted in bytes. */
const RATE_OF_BYTES = /\b(?:deriv|i?rate)\s*\(\s*[A-Za-z_:][\w:]*_bytes(?:_total)?\b/;
/** A number literal multiplying or dividing: `* 60`, `60 *`, `/ 1024`. */
const SCALE = /(?:[*/]\s*(\d+(?:\.\d+)?)(?![\w.]))|(?:(?<![\w.[])(\d+(?:\.\d+)?)\s*\*)/g;

const BYTE_UNITS: readonly Unit[] = ['bytes', 'bytes-per-second', 'bytes-per-minute'];

/**
 * The unit a query that is a rate of bytes needs; `unknown-scale` when a number other than a
 * single `* 60` scales it (per hour, per ten minutes, KiB: no unit of ours says that); undefined
 * when the query is not a rate of bytes.
 */
export function rateOfBytesUnit(query: string): Unit | 'unknown-scale' | undefined {
  if (!RATE_OF_BYTES.test(query)) return undefined;
  const scales = [...query.matchAll(SCALE)].map((m) => ({ text: m[0], n: Number(m[1] ?? m[2]) }));
  if (scales.length === 0) return 'bytes-per-second';
  const [only] = scales;
  if (scales.length === 1 && only?.n === 60 && !only.text.startsWith('/')) return 'bytes-per-minute';
  return 'unknown-scale';
}

const READS: Partial<Record<Unit, string>> = {
  bytes: 'MiB',
  'bytes-per-second': 'MiB/s',
  'bytes-per-minute': 'MiB/min',
};

export function lintUnits(runbook: Runbook, file: string, locate: Locator): Diagnostic[] {
  const out: Diagnostic[] = [];
  const lint = (query: string, unit: Unit | undefined, path: Path) => {
    if (unit === undefined || !BYTE_UNITS.includes(unit)) return;
    const needed = rateOfBytesUnit(query);
    if (needed === undefined || needed === unit) return;
    // A scale we cannot name: only `unit: bytes` is surely wrong (the value is a rate).
    if (needed === 'unknown-scale' && unit !== 'bytes') return;
    const pos = locate.at([...path, 'unit']);
    const what =
      needed === 'unknown-scale'
        ? 'the query is a rate of bytes scaled by a number other than 60 (no unit says that scale): answer per second (no factor) or per minute (* 60) and write unit: bytes-per-second or bytes-per-minute'
        : `the query is a rate of bytes (${needed === 'bytes-per-minute' ? 'per second, times 60' : 'per second'}), but unit is ${unit}: write unit: ${needed}, so the value reads as ${READS[needed]}`;
    out.push({
      file,
      line: pos.line,
      col: pos.col,
      severity: 'warning',
      rule: 'runbook/unit-rate',
      message: what,
      pointer: `/${[...path, 'unit'].join('/')}`,
    });
  };
  const sections = [
    ['detection', runbook.detection.checks],
    ['triage', runbook.triage.checks ?? []],
    ['verification', runbook.verification.checks],
  ] as const;
  for (const [section, checks] of sections)
    checks.forEach((check, i) => {
      lint(check.query, check.unit, [section, 'checks', i]);
    });
  runbook.triage.steps.forEach((step, i) => {
    if (step.kind === 'query') lint(step.query, step.unit, ['triage', 'steps', i]);
  });
  return out;
}
