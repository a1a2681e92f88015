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
/** The per-second answer scaled to a minute. */
const TIMES_60 = /\*\s*60(?![\w.])/;

/** The unit a query that is a rate of bytes needs, or undefined when it is not one. */
export function rateOfBytesUnit(query: string): Unit | undefined {
  if (!RATE_OF_BYTES.test(query)) return undefined;
  return TIMES_60.test(query) ? 'bytes-per-minute' : 'bytes-per-second';
}

export function lintUnits(runbook: Runbook, file: string, locate: Locator): Diagnostic[] {
  const out: Diagnostic[] = [];
  const lint = (query: string, unit: Unit | undefined, path: Path) => {
    if (unit !== 'bytes') return;
    const needed = rateOfBytesUnit(query);
    if (needed === undefined) return;
    const pos = locate.at([...path, 'unit']);
    out.push({
      file,
      line: pos.line,
      col: pos.col,
      severity: 'warning',
      rule: 'runbook/unit-rate',
      message: `the query is a rate of bytes (${needed === 'bytes-per-minute' ? 'per second, times 60' : 'per second'}), but unit is bytes: write unit: ${needed}, so the value reads as ${needed === 'bytes-per-minute' ? 'MiB/min' : 'MiB/s'}`,
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
