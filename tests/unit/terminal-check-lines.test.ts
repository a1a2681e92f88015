/** The terminal shows a check's result as Slack's thread does: meaning, figure, reason, series. */
import { expect, it } from 'vitest';
import { checkOutcomeLines, seriesLines } from '../../src/cli/walk/check-lines.js';
import { evaluateSamples } from '../../src/core/checks/evaluate.js';
import type { StepState } from '../../src/core/incident/model.js';
import { shippedRunbook } from '../helpers/engine.js';

const runbook = shippedRunbook('gc-full-collection-latency');
const step = (id: string, phase: StepState['phase']) => ({ id, phase, kind: 'check' }) as StepState;

it('says what the outcome means in the phase, with the figure in the check unit and the reason', () => {
  const check = runbook.detection.checks.find((c) => c.id === 'large-heap');
  if (!check) throw new Error('the shipped runbook changed: no large-heap check');
  const series = [
    { labels: { job: 'api', instance: 'a:8000' }, value: 2 * 1024 ** 3 },
    { labels: { job: 'api', instance: 'b:8000' }, value: 512 * 1024 ** 2 },
  ];
  const evaluation = evaluateSamples(series, check, { query: 'q', datasource: 'default', at: 'now' });
  const text = checkOutcomeLines(step('large-heap', 'detection'), evaluation, runbook);
  expect(text).toMatch(
    /^ {2}→ the symptom is present: 2 GiB, over the 1 GiB limit ✗ \(max of 2 series: 2 GiB > 1 GiB is true/,
  );
  expect(text).toContain('instance="a:8000"');
  expect(text).toContain('instance="b:8000"');
  // A triage check reads as a condition: met or not met.
  const triage = checkOutcomeLines(step('large-heap', 'triage'), evaluation, runbook);
  expect(triage).toMatch(/^ {2}→ met: /);
});

it('lists a few series, then how many more', () => {
  const many = Array.from({ length: 12 }, (_, i) => ({ labels: { instance: `i${i}` }, value: i }));
  const text = seriesLines(many);
  expect(text.split('\n')).toHaveLength(9);
  expect(text).toMatch(/… 4 more series not shown$/);
  expect(seriesLines([])).toBe('    (no series)');
});
