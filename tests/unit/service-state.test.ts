/** The drill's last line (issue 27): the service's /admin/state in words and units, not JSON. */
import { describe, expect, it } from 'vitest';
import { describeServiceState } from '../../src/format/service-state.js';

const MiB = 1024 * 1024;

describe("the drill's last word on the service", () => {
  it('is a sentence in units, not the JSON /admin/state answers', () => {
    const text = describeServiceState({
      mode: 'prefork',
      enabled: true,
      threshold: [700, 10, 10],
      count: [12, 3, 1],
      collections: [900, 80, 7],
      frozen: 1_234_567,
      collect_every: 0,
      private_memory_bytes: 9 * MiB,
      resident_memory_bytes: 83.4 * MiB,
      workers: { '18001': 4242, '18002': 4243 },
      forked_frozen: true,
    });
    expect(text).toBe(
      'mode prefork, collector enabled, gc.set_threshold(700, 10, 10), 1.23 million objects frozen, 2 pre-fork workers, forked after gc.freeze(), master’s resident memory 83.4 MiB (9 MiB private)',
    );
    expect(
      describeServiceState({
        mode: 'cycles',
        enabled: false,
        frozen: 0,
        collect_every: 5,
        resident_memory_bytes: null,
      }),
    ).toBe('mode cycles, collector disabled (gc.disable()), 0 objects frozen, gc.collect() every 5 s');
    expect(describeServiceState({})).toBe('no state it can describe');
    // The service's own text reaches a terminal: no escape sequences, bounded.
    expect(describeServiceState({ mode: '\u001b[2Jcycles\u0007' })).toBe('mode [2Jcycles');
    expect(describeServiceState({ mode: 'x'.repeat(100) })).toBe(`mode ${'x'.repeat(39)}…`);
  });
});
