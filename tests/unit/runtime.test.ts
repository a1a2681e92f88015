import { describe, expect, it } from 'vitest';
import { modelFor, runtimesFrom } from '../../src/core/checks/runtime.js';

describe('runtime from python_info', () => {
  it('maps versions to the simulator model, 3.14 patch levels included', () => {
    expect(modelFor('3.11.2')).toBe('3.11');
    expect(modelFor('3.14.3')).toBe('3.14-incremental');
    expect(modelFor('3.14.5')).toBe('3.14');
    expect(modelFor('2.7.18')).toBeUndefined();
  });

  it('groups instances by implementation and version, most common first', () => {
    const info = (version: string, implementation = 'CPython') => ({
      labels: { implementation, version },
      value: 1,
    });
    const runtimes = runtimesFrom([info('3.12.1'), info('3.13.0'), info('3.13.0'), info('7.3.1', 'PyPy')]);
    expect(runtimes.map((r) => [r.version, r.instances, r.modelled ?? null])).toEqual([
      ['3.13.0', 2, '3.13'],
      ['3.12.1', 1, '3.12'],
      ['7.3.1', 1, null],
    ]);
    expect(runtimesFrom([info('3.14.2')])[0]?.collector).toBe('incremental (3.14.0 to 3.14.4)');
  });
});
