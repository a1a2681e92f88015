/**
 * The mitigations an on-call engineer compares before touching production,
 * as transformations of a workload: `freeze`, `threshold=T0[,T1[,T2]]`,
 * `python=VERSION`, `disable`, `disable+collect=N`, `break-cycles`.
 */
import { GcIncidentError } from '../errors.js';
import { MAX_UNBATCHED_STEPS, stepsPerIteration } from './harness-setup.js';
import { collectorOf, resolvePython } from './versions.js';
import { defaultThresholds, type Workload, withThresholds } from './workload.js';

export const WHAT_IF_HELP =
  'freeze (gc.collect() then gc.freeze() as the run starts) | threshold=T0[,T1[,T2]] | python=VERSION (3.13, 3.14.2, 3.14-incremental) | disable | disable+collect=N | break-cycles';

export interface WhatIfOptions {
  /**
   * The workload models a running service (a fit): a freeze is applied as the service applies
   * it, after start-up and its first full collections, and measured from the first full
   * collection after it (settle.ts), as the service is measured minutes later.
   */
  readonly running?: boolean | undefined;
}

export function applyWhatIf(base: Workload, spec: string, options: WhatIfOptions = {}): Workload {
  const text = spec.trim();
  if (text === 'freeze') {
    // As a running service applies it (and as the bundled service's /admin/freeze does):
    // collect first, then freeze, so full collections keep their pace instead of following
    // every 11th generation-1 collection over an empty long-lived total.
    return {
      ...base,
      setup: {
        ...base.setup,
        collectThenFreeze: true,
        ...(options.running ? { settleAfterFreeze: true } : {}),
      },
    };
  }
  if (text === 'break-cycles') {
    return { ...base, ops: base.ops.map((op) => (op.op === 'cycle' ? { ...op, broken: true } : op)) };
  }
  if (text === 'disable') return { ...base, disabled: true };
  let match = /^disable\+collect=([1-9][0-9]*)$/.exec(text);
  if (match) {
    const period = Number(match[1]);
    return { ...base, disabled: true, every: [...base.every, { period, action: 'collect', generation: 2 }] };
  }
  match = /^threshold=([0-9]+)(?:,([0-9]+))?(?:,([0-9]+))?$/.exec(text);
  if (match) {
    const given = match
      .slice(1)
      .filter((v): v is string => v !== undefined)
      .map(Number);
    return { ...base, thresholds: withThresholds(base.thresholds, given), thresholdsExplicit: true };
  }
  match = /^python=(.+)$/.exec(text);
  if (match) {
    const python = resolvePython(match[1] ?? '', `what-if '${spec}'`);
    const thresholds = base.thresholdsExplicit ? base.thresholds : defaultThresholds(python);
    return { ...base, python, thresholds };
  }
  throw new GcIncidentError('USAGE', `unknown what-if '${spec}'; use ${WHAT_IF_HELP}`, { whatIf: spec });
}

/** The baseline then one variant per what-if, labelled as comparison tables show them. */
export function whatIfVariants(
  base: Workload,
  whatIfs: readonly string[],
): { label: string; workload: Workload }[] {
  return [
    { label: 'baseline', workload: base },
    ...whatIfs.map((w) => ({ label: w, workload: applyWhatIf(base, w) })),
  ];
}

/** A running service's what-if stretch is made at most this many times longer (stretchScale). */
export const MAX_STRETCH_SCALE = 10;

/**
 * How many times longer than the baseline's a running service's simulated stretch must be for a
 * what-if to hold as many generation-1 collections: a fitted stretch is sized from the
 * baseline's rates, and under threshold 0 × 10 it held nine young collections and no
 * generation-1 one, where the service ran one every twenty seconds, 5–25 ms each and most of its
 * GC time (cycles on 3.8 in bench:fit, 2026-12-07: generation 1 −100 %, GC time −63 to −69 %).
 * At most MAX_STRETCH_SCALE, and within the simulator's step limit (half of it: a freeze's
 * settling runs before the stretch).
 * Only the what-if runs longer: the baseline's stretch, which the fit sized to the observed window,
 * stays as it is (run ten times longer, cycles' fitted heap, a guess where the window held no full
 * collection, brought full collections the service did not run: GC time +84 %).
 */
export function stretchScale(base: Workload, variant: Workload): number {
  const [t0, t1] = base.thresholds;
  // Without a rate a run's figures are totals over its length: a longer run would change them.
  if (!(t0 > 0) || !(t1 > 0) || base.rate === undefined) return 1;
  if (variant.disabled || collectorOf(variant.python) !== 'generational') return 1;
  const [v0, v1] = variant.thresholds;
  const scale = (v0 / t0) * Math.max(1, v1 / t1);
  const steps = Math.max(1, stepsPerIteration(variant)) * base.iterations;
  return Math.max(
    1,
    Math.min(MAX_STRETCH_SCALE, Math.round(scale), Math.floor(MAX_UNBATCHED_STEPS / 2 / steps)),
  );
}

/**
 * The baseline then one variant per what-if, for a workload that models a running service (a
 * fit, a service's live GC state): a freeze applied as the service applies it, and a what-if that
 * makes collections rarer run long enough to hold them (stretchScale), its memory shown over the
 * baseline's service time so that the two compare.
 */
export function runningServiceVariants(
  base: Workload,
  whatIfs: readonly string[],
): { label: string; workload: Workload }[] {
  const stretched = (w: Workload): Workload => {
    const scale = stretchScale(base, w);
    return scale === 1 ? w : { ...w, iterations: w.iterations * scale, heapOver: base.iterations };
  };
  return [
    { label: 'baseline', workload: base },
    ...whatIfs.map((w) => ({ label: w, workload: stretched(applyWhatIf(base, w, { running: true })) })),
  ];
}
