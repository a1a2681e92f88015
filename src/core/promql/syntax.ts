/**
 * PromQL syntax checks with Prometheus's own grammar (the Lezer grammar that
 * Prometheus's web UI uses), so runbooks fail in CI rather than at 3 a.m.
 */
import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlProblem {
  /** Offset into the query where the parser gave up. */
  readonly offset: number;
  /** The query ended while the parser still expected more (an unclosed bracket, a dangling operator). */
  readonly atEnd: boolean;
}

export function checkPromqlSyntax(query: string): PromqlProblem | undefined {
  if (query.trim() === '') return { offset: 0, atEnd: true };
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
  return { offset: first, atEnd: first >= query.trimEnd().length };
}

/** A message quoting the author's own text around the problem. */
export function describePromqlProblem(source: string, offset: number, atEnd: boolean): string {
  if (source.trim() === '') return 'query is empty';
  const near = source
    .slice(Math.max(0, offset - 16), offset + 16)
    .replace(/\s+/g, ' ')
    .trim();
  const what = atEnd ? 'unexpected end of query' : `unexpected '${source.slice(offset, offset + 12).trim()}'`;
  return `PromQL does not parse: ${what} near '${near}'`;
}
