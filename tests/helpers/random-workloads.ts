/** Seeded random workloads, for checking the simulator beyond hand-written fixtures. */
import type { WorkloadDocument } from '../../src/core/simulator/workload.js';

/** mulberry32: a tiny deterministic PRNG, so every run tests the same workloads. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomWorkload(seed: number, scale = 1): WorkloadDocument {
  const r = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const kinds = ['slotted', 'plain', 'list', 'dict'] as const;
  const ops: WorkloadDocument['each_iteration'] = [];
  for (let n = int(1, 4); n > 0; n--) {
    const kind = pick(kinds);
    switch (pick(['keep', 'temp', 'cycle', 'cycle', 'bulk'] as const)) {
      case 'keep':
        ops.push({ keep: int(0, 4), kind });
        break;
      case 'temp':
        ops.push({ temp: int(1, 30), kind });
        break;
      case 'bulk':
        ops.push({ bulk: int(10, 3000), kind });
        break;
      case 'cycle': {
        const finalizable = kind === 'slotted' || kind === 'plain';
        ops.push({
          cycle: {
            size: int(1, 5),
            finalizer: finalizable && r() < 0.3,
            resurrect: finalizable && r() < 0.1,
          },
          kind,
        });
        break;
      }
    }
  }
  const every: NonNullable<WorkloadDocument['every']> = [];
  if (r() < 0.5) every.push({ period: int(50, 3000), action: 'collect', generation: int(0, 2) });
  if (r() < 0.2) every.push({ period: int(500, 5000), action: 'freeze' });
  if (r() < 0.2)
    every.push({ period: int(300, 3000), action: 'disable' }, { period: int(100, 900), action: 'enable' });
  if (r() < 0.2)
    every.push({
      period: int(500, 5000),
      action: 'set_threshold',
      thresholds: [int(50, 3000), int(2, 12), int(2, 12)],
    });
  const doc: WorkloadDocument = {
    name: `random-${seed}`,
    python: '3.12',
    iterations: Math.round(int(500, 8000) * scale),
    each_iteration: ops,
    ...(every.length > 0 ? { every } : {}),
    ...(r() < 0.4 ? { setup: { heap: int(0, 50000), kind: pick(kinds), freeze: r() < 0.3 } } : {}),
    ...(r() < 0.3 ? { thresholds: [int(20, 3000), int(2, 12), int(2, 12)] } : {}),
    ...(r() < 0.1 ? { saveall: true } : {}),
  };
  return doc;
}

/** Seeded random workloads whose objects have lifetimes (keep with a lifetime, rings held a while, caches). */
export function randomLifetimeWorkload(seed: number, scale = 1): WorkloadDocument {
  const base = randomWorkload(seed, scale);
  const r = prng(seed * 7919 + 1);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const aged: WorkloadDocument['each_iteration'] = [];
  for (let n = int(1, 3); n > 0; n--) {
    switch (int(0, 3)) {
      case 0:
        aged.push({ keep: int(1, 6), lifetime: int(1, 600) });
        break;
      case 1:
        aged.push({ cycle: { size: int(1, 5), lifetime: int(1, 400), finalizer: r() < 0.2 } });
        break;
      case 2:
        aged.push({ cache: { size: int(1, 4000), insert: int(1, 4) } });
        break;
      default:
        aged.push({ cache: { size: int(1, 800), item: { cycle: { size: int(1, 4) } } } });
    }
  }
  // Aged operations interleaved with the plain ones, so their order matters too.
  const ops = [...base.each_iteration];
  for (const op of aged) ops.splice(int(0, ops.length), 0, op);
  return { ...base, name: `random-lifetimes-${seed}`, each_iteration: ops };
}
