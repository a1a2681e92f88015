/**
 * A growth rate reads as one (issue 27, "Numbers a person reads"): `deriv(…_bytes[30m]) * 60`
 * is bytes per minute, so the card says "2.1 MiB/min, over the 1 MiB/min limit", not "2.1 MiB".
 * The units are one list (types.ts UNITS) that the schema's three enums repeat.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rangeChartSpec, unitTitle } from '../../src/core/checks/chart-spec.js';
import { evaluateSamples } from '../../src/core/checks/evaluate.js';
import { criterion, evaluationFigure } from '../../src/core/checks/figure.js';
import { formatMeasure } from '../../src/core/checks/measure.js';
import { rateOfBytesUnit } from '../../src/core/runbook/lint-unit.js';
import { allChecks, UNITS } from '../../src/core/runbook/types.js';
import { shippedRunbook } from '../helpers/engine.js';
import { growthWalk } from '../helpers/growth-walk.js';
import {
  lineOf,
  REPO,
  RUNBOOKS_DIR,
  readText,
  shippedRunbookFiles,
  warningsOf,
} from '../helpers/runbooks.js';

const MiB = 1024 * 1024;

describe('bytes per second and per minute', () => {
  it('read as a size per unit of time, in KiB/MiB/GiB', () => {
    expect(formatMeasure(2.1 * MiB, 'bytes-per-minute')).toBe('2.1 MiB/min');
    expect(formatMeasure(20_000, 'bytes-per-minute')).toBe('19.5 KiB/min');
    expect(formatMeasure(-512, 'bytes-per-minute')).toBe('-512 B/min');
    expect(formatMeasure(3 * 1024 * MiB, 'bytes-per-second')).toBe('3 GiB/s');
    // The size alone stays a size.
    expect(formatMeasure(2.1 * MiB, 'bytes')).toBe('2.1 MiB');
  });

  it("a shipped memory-growth check's figure and criterion say per minute", () => {
    const runbook = shippedRunbook('gc-full-collection-latency');
    const check = allChecks(runbook).find((c) => c.id === 'old-generation-growth');
    if (!check) throw new Error('the shipped runbook changed: no old-generation-growth check');
    expect(check.unit).toBe('bytes-per-minute');
    const evaluation = evaluateSamples([{ labels: { instance: 'a:8000' }, value: 2.1 * MiB }], check, {
      query: check.query,
      datasource: 'default',
      at: 'now',
    });
    expect(evaluationFigure(evaluation, 'triage', check)).toBe('2.1 MiB/min, over the 1 MiB/min limit ✗');
    expect(evaluation.reason).toContain('2.1 MiB/min > 1 MiB/min');
    expect(criterion(check)).toBe('> 1 MiB/min');
  });

  it("the preview's full-collection triage frame says per minute on the card and in the thread", async () => {
    const [frame] = await growthWalk();
    const text = (m: unknown) => JSON.stringify(m);
    expect(text(frame?.card)).toContain('2.1 MiB/min, over the 1 MiB/min limit ✗');
    expect(text(frame?.thread.at(-1)?.message)).toContain('2.1 MiB/min, over the 1 MiB/min limit ✗');
  });

  it('every shipped check or query step on a rate of bytes declares the rate unit its query answers', () => {
    let rates = 0;
    for (const file of shippedRunbookFiles()) {
      const runbook = shippedRunbook(file.replace(/^.*\/|\.yaml$/g, ''));
      const steps = [
        ...allChecks(runbook),
        ...runbook.triage.steps.flatMap((s) => (s.kind === 'query' ? [s] : [])),
      ];
      for (const step of steps) {
        const needed = rateOfBytesUnit(step.query);
        if (needed === undefined) continue;
        rates++;
        expect({ file, id: step.id, unit: step.unit }).toEqual({ file, id: step.id, unit: needed });
      }
    }
    // Two in each of five runbooks (detection or triage, and verification); none in thrash.
    expect(rates).toBe(10);
  });

  it('validate warns where the unit does not say what the query answers, at the unit', () => {
    const shipped = readFileSync(join(RUNBOOKS_DIR, 'gc-cyclic-garbage-growth.yaml'), 'utf8');
    const perSecond = shipped.replace('unit: bytes-per-minute', 'unit: bytes-per-second');
    const [wrongRate] = warningsOf(perSecond).filter((d) => d.rule === 'runbook/unit-rate');
    expect(wrongRate?.line).toBe(lineOf(perSecond, 'unit: bytes-per-second'));
    expect(wrongRate?.message).toContain('but unit is bytes-per-second: write unit: bytes-per-minute');
    const perHour = shipped
      .replace('[30m])) * 60', '[30m])) * 3600')
      .replace('unit: bytes-per-minute', 'unit: bytes');
    const [unknown] = warningsOf(perHour).filter((d) => d.rule === 'runbook/unit-rate');
    expect(unknown?.message).toContain('scaled by a number other than 60');
    // A scale no unit names, declared as a rate: nothing to say for sure.
    const perHourRate = shipped.replace('[30m])) * 60', '[30m])) * 3600');
    expect(warningsOf(perHourRate).filter((d) => d.rule === 'runbook/unit-rate')).toEqual([]);
    expect(warningsOf(shipped).filter((d) => d.rule === 'runbook/unit-rate')).toEqual([]);
  });

  it('tells a rate of bytes from a size, and per minute from per second', () => {
    expect(rateOfBytesUnit('max(deriv(process_resident_memory_bytes{job="a"}[30m])) * 60')).toBe(
      'bytes-per-minute',
    );
    expect(rateOfBytesUnit('max(deriv(process_resident_memory_bytes[15m]))')).toBe('bytes-per-second');
    expect(rateOfBytesUnit('sum(rate(node_network_receive_bytes_total[5m]))')).toBe('bytes-per-second');
    expect(rateOfBytesUnit('max(process_resident_memory_bytes{job="a"})')).toBeUndefined();
    expect(rateOfBytesUnit('sum(rate(python_gc_collections_total[5m])) * 60')).toBeUndefined();
    expect(rateOfBytesUnit('60 * deriv(x_bytes[30m])')).toBe('bytes-per-minute');
    // Any other scale has no unit of ours: per ten minutes, per hour, per minute in KiB.
    expect(rateOfBytesUnit('deriv(x_bytes[5m]) * 600')).toBe('unknown-scale');
    expect(rateOfBytesUnit('deriv(x_bytes[5m]) * 3600')).toBe('unknown-scale');
    expect(rateOfBytesUnit('deriv(x_bytes[5m]) * 60 * 60')).toBe('unknown-scale');
    expect(rateOfBytesUnit('deriv(x_bytes[5m]) * 60 / 1024')).toBe('unknown-scale');
    expect(rateOfBytesUnit('deriv(x_bytes[5m]) / 60')).toBe('unknown-scale');
  });

  it("the chart names the rate on its axis and the threshold's label", () => {
    const spec = rangeChartSpec([{ labels: { instance: 'a' }, points: [[1_800_000_000, 2 * MiB]] }], {
      title: 'growth',
      threshold: MiB,
      stepSeconds: 60,
      unit: 'bytes-per-minute',
    }) as { axes: { orient: string; title?: string | null }[]; data: { name: string; values: unknown[] }[] };
    expect(spec.axes.find((a) => a.orient === 'left')?.title).toBe('bytes per minute');
    expect(spec.data.find((d) => d.name === 'threshold')?.values).toEqual([
      { y: MiB, label: 'threshold 1 MiB/min' },
    ]);
    // Slack's native chart names its value axis in the same words (narrator.ts).
    expect(unitTitle('bytes-per-minute')).toBe('bytes per minute');
    expect(unitTitle('bytes-per-second')).toBe('bytes per second');
    expect(unitTitle('none')).toBeUndefined();
  });

  it("the schema's unit enums are the model's units (ratioOf: all but ratio)", () => {
    const enums: unknown[] = [];
    const walk = (node: unknown, key?: string): void => {
      if (Array.isArray(node)) for (const n of node) walk(n);
      else if (node && typeof node === 'object') {
        const o = node as Record<string, unknown>;
        if (key === 'unit' && Array.isArray(o.enum)) enums.push(o.enum);
        for (const [k, v] of Object.entries(o)) walk(v, k);
      }
    };
    walk(JSON.parse(readText(`${REPO}/schemas/runbook.schema.json`)));
    expect(enums).toEqual([[...UNITS], UNITS.filter((u) => u !== 'ratio'), [...UNITS]]);
  });
});
