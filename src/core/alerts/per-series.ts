/**
 * Rewrites a PromQL expression so the labels a runbook's inputs come from (`job`,
 * `instance`) survive every aggregation and vector match: `max(x)` becomes
 * `max by (job) (x)`, `by (le)` becomes `by (le, job)`, `on (instance)` becomes
 * `on (instance, job)`. An alert built from it fires once per service, with the label
 * the incident needs. Works on Prometheus's own grammar (the Lezer parser its UI uses),
 * never on text patterns.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { GcIncidentError } from '../errors.js';

interface Edit {
  readonly at: number;
  readonly to: number;
  readonly text: string;
}

function labelsDropped(query: string, labels: readonly string[], where: string): GcIncidentError {
  return new GcIncidentError(
    'ALERT_RULE_UNSUPPORTED',
    `'${where}' removes the label(s) ${labels.join(', ')} that the alert needs per service; use 'by (...)' or 'on (...)' instead`,
    { query, labels },
  );
}

function groupingNames(query: string, grouping: SyntaxNode): string[] {
  const names: string[] = [];
  for (let c = grouping.firstChild; c; c = c.nextSibling) {
    if (c.type.name === 'LabelName') names.push(query.slice(c.from, c.to));
  }
  return names;
}

/** Adds the missing `keep` labels inside a `(a, b)` grouping list. */
function extendGrouping(query: string, grouping: SyntaxNode, keep: readonly string[]): Edit | undefined {
  const present = groupingNames(query, grouping);
  const missing = keep.filter((l) => !present.includes(l));
  if (missing.length === 0) return undefined;
  const inner = query.slice(grouping.from + 1, grouping.to - 1).trim();
  const joined = inner === '' ? missing.join(', ') : `${inner.replace(/,\s*$/, '')}, ${missing.join(', ')}`;
  return { at: grouping.from, to: grouping.to, text: `(${joined})` };
}

function aggregateEdit(query: string, node: SyntaxNode, keep: readonly string[]): Edit | undefined {
  const modifier = node.getChild('AggregateModifier');
  if (!modifier) {
    const op = node.getChild('AggregateOp');
    if (!op) return undefined;
    const spaced = /\s/.test(query.charAt(op.to)) ? '' : ' ';
    return { at: op.to, to: op.to, text: ` by (${keep.join(', ')})${spaced}` };
  }
  const grouping = modifier.getChild('GroupingLabels');
  if (modifier.getChild('Without')) {
    const dropped = grouping ? groupingNames(query, grouping).filter((l) => keep.includes(l)) : [];
    if (dropped.length > 0) throw labelsDropped(query, dropped, query.slice(node.from, node.to));
    return undefined;
  }
  return grouping ? extendGrouping(query, grouping, keep) : undefined;
}

function matchingEdit(query: string, node: SyntaxNode, keep: readonly string[]): Edit | undefined {
  // `on (x)` matches on x alone: the service label must be part of it. `ignoring (job)` drops it.
  const grouping = node.getChild('GroupingLabels');
  if (!grouping) return undefined;
  if (node.getChild('On')) return extendGrouping(query, grouping, keep);
  if (node.getChild('Ignoring')) {
    const dropped = groupingNames(query, grouping).filter((l) => keep.includes(l));
    if (dropped.length > 0) throw labelsDropped(query, dropped, query.slice(node.from, node.to));
  }
  return undefined;
}

/** The query with `keep` preserved through every aggregation and vector match. */
export function keepLabels(query: string, keep: readonly string[]): string {
  if (keep.length === 0) return query;
  const edits: Edit[] = [];
  parser.parse(query).iterate({
    enter(ref) {
      const name = ref.type.name;
      const edit =
        name === 'AggregateExpr'
          ? aggregateEdit(query, ref.node, keep)
          : name === 'MatchingModifierClause'
            ? matchingEdit(query, ref.node, keep)
            : undefined;
      if (edit) edits.push(edit);
    },
  });
  // Edits never overlap (each touches its own node's modifier), so apply them back to front.
  let out = query;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.to);
  return out;
}

/** Whether the whole query is one aggregation (then, kept per service, it has one series per service). */
export function isWholeAggregation(query: string): boolean {
  const top = parser.parse(query).topNode.firstChild;
  return top?.type.name === 'AggregateExpr' && top.from === 0 && top.to === query.trimEnd().length;
}
