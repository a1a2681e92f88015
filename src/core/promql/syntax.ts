/**
 * PromQL syntax checks with Prometheus's own grammar (the Lezer grammar that
 * Prometheus's web UI uses), so runbooks fail in CI rather than at 3 a.m.
 */
import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlProblem {
  /** Offset into the query where the parser gave up. */
  readonly offset: number;
  readonly message: string;
}

export function checkPromqlSyntax(query: string): PromqlProblem | undefined {
  if (query.trim() === '') return { offset: 0, message: 'query is empty' };
  const tree = parser.parse(query);
  let first: number | undefined;
  tree.iterate({
    enter(node) {
      if (first !== undefined) return false;
      if (node.type.isError) {
        first = node.from;
        return false;
      }
      return undefined;
    },
  });
  if (first === undefined) return undefined;
  const near = query.slice(Math.max(0, first - 12), first + 12).replace(/\s+/g, ' ');
  const what = first >= query.length ? 'unexpected end of query' : `unexpected input at '${query.slice(first, first + 12)}'`;
  return { offset: first, message: `PromQL does not parse: ${what} (near '${near}')` };
}
