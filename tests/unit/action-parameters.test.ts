import { describe, expect, it } from 'vitest';
import { actionInputs, actionParameters, effectMismatch } from '../../src/core/runbook/action-parameters.js';

describe('what a containment action sends (its whatIf)', () => {
  it('fills threshold0..2 from whatIf threshold=…, and nothing from other what-ifs', () => {
    expect(actionParameters({ whatIf: 'threshold=50000,20,100' })).toEqual({
      threshold0: '50000',
      threshold1: '20',
      threshold2: '100',
    });
    expect(actionParameters({ whatIf: 'threshold=7000' })).toEqual({ threshold0: '7000' });
    expect(actionParameters({ whatIf: 'freeze' })).toEqual({});
    expect(actionParameters({})).toEqual({});
  });

  it("puts the action's values over the incident's inputs of the same name", () => {
    expect(actionInputs({ job: 'api', threshold0: '1' }, { whatIf: 'threshold=9000,10,10' })).toEqual({
      job: 'api',
      threshold0: '9000',
      threshold1: '10',
      threshold2: '10',
    });
  });

  it('finds an effect that names other thresholds than whatIf, in either spelling', () => {
    expect(
      effectMismatch({
        title: 'Raise the thresholds',
        effect: 'Runs `gc.set_threshold(10000, 10, 10)` through the admin endpoint',
        whatIf: 'threshold=50000,10,10',
      }),
    ).toEqual([{ field: 'effect', named: [10000, 10, 10], sent: [50000, 10, 10] }]);
    expect(
      effectMismatch({ title: 'Set threshold=700', effect: 'x', whatIf: 'threshold=2000,10,10' }),
    ).toEqual([{ field: 'title', named: [700], sent: [2000, 10, 10] }]);
    expect(effectMismatch({ title: 't', effect: 'gc.set_threshold(50_000, 10)' })).toEqual([
      { field: 'effect', named: [50000, 10], sent: undefined },
    ]);
  });

  it('accepts a text naming the values whatIf sends, or a prefix of them, or none', () => {
    const whatIf = 'threshold=50000,20,100';
    expect(effectMismatch({ title: 't', effect: 'gc.set_threshold(50000, 20, 100)', whatIf })).toEqual([]);
    expect(effectMismatch({ title: 'threshold=50000', effect: 'fewer collections', whatIf })).toEqual([]);
    expect(effectMismatch({ title: 'Freeze', effect: 'gc.freeze()', whatIf: 'freeze' })).toEqual([]);
  });
});
