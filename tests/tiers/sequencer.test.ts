import { describe, expect, it } from 'vitest';
import { recordedSeconds, suiteOrder } from './sequencer.js';

describe('the suite order', () => {
  const seconds = new Map([
    ['tests/unit/a.test.ts', 2],
    ['tests/unit/b.test.ts', 9],
    ['tests/integration/long.test.ts', 90],
    ['tests/integration/short.test.ts', 1],
    ['tests/cli/drill.integration.test.ts', 40],
  ]);

  it('runs the integration tier first, longest first, then the fast tier, longest first', () => {
    expect(
      suiteOrder(
        [
          'tests/unit/a.test.ts',
          'tests/integration/short.test.ts',
          'tests/unit/b.test.ts',
          'tests/cli/drill.integration.test.ts',
          'tests/integration/long.test.ts',
        ],
        seconds,
      ),
    ).toEqual([
      'tests/integration/long.test.ts',
      'tests/cli/drill.integration.test.ts',
      'tests/integration/short.test.ts',
      'tests/unit/b.test.ts',
      'tests/unit/a.test.ts',
    ]);
  });

  it('puts a file the table does not know first in its tier, and breaks ties by path', () => {
    expect(
      suiteOrder(
        [
          'tests/unit/z.test.ts',
          'tests/unit/y.test.ts',
          'tests/unit/new.test.ts',
          'tests/integration/new.test.ts',
        ],
        new Map([
          ['tests/unit/z.test.ts', 3],
          ['tests/unit/y.test.ts', 3],
        ]),
      ),
    ).toEqual([
      'tests/integration/new.test.ts',
      'tests/unit/new.test.ts',
      'tests/unit/y.test.ts',
      'tests/unit/z.test.ts',
    ]);
  });

  it('reads the recorded seconds of this repository, the longest files among them', () => {
    const recorded = recordedSeconds();
    expect(recorded.size).toBeGreaterThan(100);
    for (const value of recorded.values()) expect(value).toBeGreaterThanOrEqual(0);
    expect(recorded.get('tests/cli/drill.integration.test.ts')).toBeGreaterThan(30);
  });
});
