/** Rules for workloads that the schema cannot express. */
import type { Diagnostic } from '../diagnostics.js';
import type { Locator } from '../yaml/load-yaml.js';
import { pythonSpecProblem } from './versions.js';
import type { WorkloadDocument } from './workload.js';

type Path = (string | number)[];

export function lintWorkload(
  doc: WorkloadDocument,
  file: string,
  locate: Locator,
  base: Path = [],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (path: Path, rule: string, message: string) => {
    const pos = locate.at([...base, ...path]);
    out.push({ file, line: pos.line, col: pos.col, severity: 'error', rule, message });
  };
  const python = pythonSpecProblem(String(doc.python));
  if (python !== undefined) report(['python'], 'workload/python', `${doc.python}: ${python}`);
  doc.each_iteration.forEach((item, i) => {
    const kind = item.kind ?? 'slotted';
    if (
      item.cycle &&
      (item.cycle.finalizer || item.cycle.resurrect) &&
      (kind === 'list' || kind === 'dict')
    ) {
      report(
        ['each_iteration', i, 'cycle'],
        'workload/finalizer-kind',
        `a ${kind} cannot have a finalizer (__del__); use kind slotted or plain for finalizer or resurrect rings`,
      );
    }
    for (const [path, lifetime] of [
      [['each_iteration', i, 'lifetime'], item.lifetime],
      [['each_iteration', i, 'cycle', 'lifetime'], item.cycle?.lifetime],
    ] as const) {
      if (typeof lifetime === 'string' && doc.rate === undefined) {
        report(
          [...path],
          'workload/lifetime-rate',
          `a lifetime in time ('${lifetime}') needs the workload's 'rate' (iterations per second); give 'rate' or the lifetime in iterations`,
        );
      }
    }
  });
  (doc.every ?? []).forEach((action, i) => {
    if (action.action !== 'collect' && action.generation !== undefined) {
      report(
        ['every', i, 'generation'],
        'workload/generation',
        "'generation' only applies to action 'collect'",
      );
    }
    if (action.action !== 'set_threshold' && action.thresholds !== undefined) {
      report(
        ['every', i, 'thresholds'],
        'workload/thresholds',
        "'thresholds' only applies to action 'set_threshold'",
      );
    }
  });
  return out;
}
