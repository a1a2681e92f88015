import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { fillSample, findPlaceholders } from '../../src/core/runbook/template.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['1w', 604_800_000],
    ['250ms', 250],
    ['1m30s500ms', 90_500],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each(['', '5', 'm5', '5min', '5m1h', '1h1h', '-5m', '5 m'])('%j is refused', (text) => {
    expect(parseDuration(text).ok).toBe(false);
  });

  it('formats back', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
  });
});

describe('placeholders', () => {
  it('finds names and their offsets', () => {
    const { placeholders, problems } = findPlaceholders('a{job="{{job}}", i="{{ instance }}"}');
    expect(placeholders.map((p) => [p.name, p.start])).toEqual([
      ['job', 7],
      ['instance', 20],
    ]);
    expect(problems).toEqual([]);
  });

  it('flags malformed and unclosed placeholders in strict mode only', () => {
    expect(findPlaceholders('x{{.State}}').problems).toHaveLength(1);
    expect(findPlaceholders('x{{.State}}', false).problems).toHaveLength(0);
    expect(findPlaceholders('x{{job').problems[0]?.message).toContain('not closed');
  });

  it('maps offsets in the filled text back to the template', () => {
    const template = 'rate(x{job="{{job}}"}[5m]';
    const { text, toSource } = fillSample(template, () => 'x');
    expect(text).toBe('rate(x{job="x"}[5m]');
    expect(toSource(text.length)).toBe(template.length);
    expect(toSource(5)).toBe(5);
  });
});
