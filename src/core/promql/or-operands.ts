/**
 * The alternatives of a query joined by top-level `or` (`a or b or c` gives a, b, c), from
 * Prometheus's own grammar. A check written `pause-percentile or collection-rate` answers with
 * the first alternative that has a series for a label set; knowing the alternatives lets the
 * check say which one answered. Anything else (one expression, `or` inside brackets or a
 * function, a query that does not parse) is one alternative: the whole query.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { checkPromqlSyntax } from './syntax.js';

export function orAlternatives(query: string): string[] {
  // Every check is evaluated through here, verification rounds included: no `or`, no parse.
  if (!/\bor\b/i.test(query)) return [query.trim()];
  const expr = parser.parse(query).topNode.firstChild;
  if (!expr || checkPromqlSyntax(query) !== undefined) return [query.trim()];
  const out: string[] = [];
  const walk = (node: SyntaxNode): void => {
    const isOr = node.type.name === 'BinaryExpr' && node.getChild('Or') !== null;
    if (!isOr) {
      out.push(query.slice(node.from, node.to).trim());
      return;
    }
    // Children: left operand, `or`, an optional `on (…)`/`ignoring (…)` clause, right operand.
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.type.name !== 'Or' && c.type.name !== 'MatchingModifierClause') walk(c);
    }
  };
  walk(expr);
  return out;
}
