/** One series of a query's answer as a fixed-width line, the same in Slack's code blocks and the terminal. */
import { formatNumber } from '../core/checks/evaluate.js';

/** `{job="api", instance="a:8000"}`, without `__name__`; `{}` when nothing is left. */
export function labelSet(labels: Readonly<Record<string, string>>): string {
  const text = Object.entries(labels)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return `{${text}}`;
}

/** `         612  {job="api"}`: the value right-aligned in 12 columns, then the labels. */
export function seriesRow(series: {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}): string {
  return `${formatNumber(series.value).padStart(12)}  ${labelSet(series.labels)}`;
}
