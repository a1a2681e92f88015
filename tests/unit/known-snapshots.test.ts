import { describe, expect, it } from 'vitest';
import { KnownSnapshots } from '../../src/core/incident/known-snapshots.js';
import type { Incident } from '../../src/core/incident/model.js';

const at = (id: string, version: number) => ({ id, version }) as unknown as Incident;

describe('KnownSnapshots', () => {
  it('keeps what was read or written last, even an older version (a store restored to an earlier state)', () => {
    const known = new KnownSnapshots(4);
    known.remember(at('A', 3));
    known.remember(at('A', 5));
    expect(known.get('A')?.version).toBe(5);
    // The store went back in time: the read after the failed append is what is known now.
    known.remember(at('A', 2));
    expect(known.get('A')?.version).toBe(2);
  });

  it('forgets the least recently used incident beyond its capacity, and keeps nothing at 0', () => {
    const known = new KnownSnapshots(2);
    known.remember(at('A', 1));
    known.remember(at('B', 1));
    known.get('A');
    known.remember(at('C', 1));
    expect(known.size).toBe(2);
    expect(known.get('B')).toBeUndefined();
    expect(known.get('A')?.version).toBe(1);
    expect(known.get('C')?.version).toBe(1);
    const none = new KnownSnapshots(0);
    none.remember(at('A', 1));
    expect(none.get('A')).toBeUndefined();
  });
});
