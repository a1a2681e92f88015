/**
 * The one policy for regular expressions that come from runbooks (an input's
 * `pattern:`) and are matched against what users, alerts and the terminal
 * send. Two defences, because either alone has a gap:
 *
 * - `checkPattern` (run by `validate` and when runbooks load) refuses patterns
 *   that a backtracking engine would run in super-linear time, using
 *   redos-detector's analysis, and patterns the linear engine cannot run
 *   (backreferences, lookaround). A bounded analysis that cannot prove a
 *   pattern safe refuses it: the author rewrites it.
 * - `matchesWhole` runs every match on RE2JS (a port of RE2: linear time in the
 *   input, no backtracking), so a pattern that slipped past the analysis (an
 *   older runbook, a bug here) still cannot block the event loop. Values are
 *   capped at MAX_MATCHED_LENGTH before any matching.
 */

import { RE2JS } from 're2js';
// The package's own ES module build: importing its CommonJS main from ESM makes Node scan
// all 230 kB for export names first, which took longer than the rest of `validate`'s start-up.
import { isSafe } from 'redos-detector/dist/redos-detector.mjs';

/** Longer values are refused before any matching (the input limit is 256 characters as well). */
export const MAX_MATCHED_LENGTH = 256;
/** Longer patterns are refused: nothing a runbook input needs is this long. */
export const MAX_PATTERN_LENGTH = 500;
/** The analysis' budget: deterministic (steps, not time), so `validate` answers the same everywhere. */
const ANALYSIS_STEPS = 500;

export type PatternCheck = { ok: true } | { ok: false; reason: string };

const compiled = new Map<string, RE2JS>();
/** Verdicts by pattern: the analysis is the costliest part of validating a runbook, and runbooks share patterns. */
const verdicts = new Map<string, PatternCheck>();

function anchored(source: string): string {
  return `^(?:${source})$`;
}

/** Whether a runbook pattern may be used; the reason says what to change when not. */
export function checkPattern(source: string): PatternCheck {
  let verdict = verdicts.get(source);
  if (!verdict) {
    verdict = analysePattern(source);
    // Bounded like the compiled cache: a deterministic verdict, kept for the patterns in use.
    if (verdicts.size > 1000) verdicts.clear();
    verdicts.set(source, verdict);
  }
  return verdict;
}

function analysePattern(source: string): PatternCheck {
  if (source.length > MAX_PATTERN_LENGTH)
    return { ok: false, reason: `pattern is longer than ${MAX_PATTERN_LENGTH} characters` };
  let js: RegExp;
  try {
    js = new RegExp(anchored(source), 'u');
  } catch (error) {
    return { ok: false, reason: `pattern does not compile: ${(error as Error).message}` };
  }
  try {
    compileLinear(source);
  } catch (error) {
    return {
      ok: false,
      reason: `pattern uses syntax the linear-time matcher does not run (${(error as Error).message}); backreferences and lookaround are not allowed`,
    };
  }
  const analysis = isSafe(js, { maxSteps: ANALYSIS_STEPS });
  if (!analysis.safe) {
    return {
      ok: false,
      reason:
        'pattern may take super-linear time (catastrophic backtracking, e.g. nested or overlapping repetition such as (a+)+ or (x|x)*); rewrite it without a repetition inside a repetition',
    };
  }
  return { ok: true };
}

/** Whether the whole value matches; linear time in the value, whatever the pattern. */
export function matchesWhole(source: string, value: string): boolean {
  if (value.length > MAX_MATCHED_LENGTH) return false;
  return compileLinear(source).matches(value);
}

function compileLinear(source: string): RE2JS {
  let re = compiled.get(source);
  if (!re) {
    re = RE2JS.compile(anchored(source));
    // Patterns come from a few runbooks; the cache stays small, but never unbounded.
    if (compiled.size > 1000) compiled.clear();
    compiled.set(source, re);
  }
  return re;
}
