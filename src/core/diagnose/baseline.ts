/**
 * A simulation's baseline set to what a diagnose step read from the service: its real
 * thresholds, and gc.freeze() when it reported frozen objects. The what-ifs are applied again on
 * top, so `threshold=…` and `freeze` still compare against the service as it runs.
 */
import { runningServiceVariants } from '../simulator/what-if.js';
import type { Workload } from '../simulator/workload.js';
import { group } from './render.js';
import type { ObservedGc } from './result.js';

export function withObservedGc(base: Workload, observed: ObservedGc): Workload {
  return {
    ...base,
    thresholds: observed.thresholds,
    thresholdsExplicit: true,
    setup: { ...base.setup, freeze: base.setup.freeze || observed.frozen > 0 },
  };
}

export interface Variant {
  readonly label: string;
  readonly workload: Workload;
}

/** `variants[0]` is the baseline; the rest are its what-ifs, in `whatIf`'s order. */
export function rebaseOnObserved(
  variants: readonly Variant[],
  whatIf: readonly string[] | undefined,
  observed: ObservedGc | undefined,
): { variants: Variant[]; note: string | undefined } {
  const first = variants[0];
  if (!observed || !first) return { variants: [...variants], note: undefined };
  const base = withObservedGc(first.workload, observed);
  return {
    // A running service: a freeze is applied and measured as it would be there, and the stretch
    // holds the variants' generation-1 collections.
    variants: runningServiceVariants(base, whatIf ?? []).map((v, i) =>
      i === 0 ? { ...v, label: first.label } : v,
    ),
    note: `baseline from the service's live GC state ('${observed.stepId}'): thresholds ${observed.thresholds.join('/')}${observed.frozen > 0 ? `, ${group(observed.frozen)} objects frozen (gc.freeze())` : ', nothing frozen'}`,
  };
}
