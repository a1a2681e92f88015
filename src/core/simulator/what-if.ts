/**
 * The mitigations an on-call engineer compares before touching production,
 * as transformations of a workload: `freeze`, `threshold=T0[,T1[,T2]]`,
 * `python=VERSION`, `disable`, `disable+collect=N`, `break-cycles`.
 */
import { GcIncidentError } from '../errors.js';
import { resolvePython } from './versions.js';
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
