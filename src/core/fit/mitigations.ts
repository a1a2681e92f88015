/** The mitigations a fitted workload is compared with when none is asked for (`simulate --fit`, MCP `fit`). */
import type { FitResult } from './fit-workload.js';

/** threshold 0 ten times the service's, then gc.freeze() after start-up. */
export function fitWhatIfs(fit: FitResult): string[] {
  const [t0, t1, t2] = fit.thresholds;
  return [`threshold=${t0 * 10},${t1},${t2}`, 'freeze'];
}
