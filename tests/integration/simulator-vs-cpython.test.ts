/**
 * The simulator's credibility: for every validation workload and every shipped
 * one, on every CPython 3.8-3.13 installed here and on 3.14.5+ and 3.15 in the
 * Debian root (PYTHON_ROOTS), gc.get_stats() deltas, gc.get_count() and
 * len(gc.garbage) are exactly those of the real interpreter running the repro
 * script.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Interpreter, runPythonScript } from '../../src/adapters/python/interpreters.js';
import { reproScript } from '../../src/core/simulator/repro.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { applyWhatIf } from '../../src/core/simulator/what-if.js';
import {
  normalizeWorkload,
  type Workload,
  type WorkloadDocument,
} from '../../src/core/simulator/workload.js';
import { installedPythons, MEASURED_VERSIONS, yielding } from '../helpers/pythons.js';
import { REPO } from '../helpers/runbooks.js';

const yamlIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: f, doc: parse(readFileSync(join(dir, f), 'utf8')) as WorkloadDocument }));
const workloads = yamlIn(join(REPO, 'tests/fixtures/workloads'));
const shipped = yamlIn(join(REPO, 'workloads'));
const { found, missing } = installedPythons({ roots: true });

const ops = new Set(workloads.flatMap(({ doc }) => doc.each_iteration.flatMap((o) => Object.keys(o))));

async function compare(interpreter: Interpreter | undefined, workload: Workload) {
  if (!interpreter) throw new Error('no interpreter');
  const real = JSON.parse(await runPythonScript(yielding(interpreter), reproScript(workload))) as Record<
    string,
    unknown
  >;
  const sim = simulate(workload);
  return {
    real: { stats: real.stats, count: real.count, garbage: real.garbage },
    sim: { stats: sim.stats, count: sim.count, garbage: sim.garbage },
  };
}

describe('validation workloads', () => {
  it('there are at least twelve, covering every operation, kind and periodic action', () => {
    expect(workloads.length).toBeGreaterThanOrEqual(12);
    for (const op of ['keep', 'temp', 'bulk', 'cycle', 'kind']) expect(ops).toContain(op);
    const kinds = new Set(workloads.flatMap(({ doc }) => doc.each_iteration.map((o) => o.kind ?? 'slotted')));
    expect([...kinds].sort()).toEqual(['dict', 'list', 'plain', 'slotted']);
    const actions = new Set(workloads.flatMap(({ doc }) => (doc.every ?? []).map((e) => e.action)));
    expect([...actions].sort()).toEqual(['collect', 'disable', 'enable', 'freeze', 'set_threshold']);
    const cycles = workloads.flatMap(({ doc }) =>
      doc.each_iteration.flatMap((o) => (o.cycle ? [o.cycle] : [])),
    );
    expect(cycles.some((c) => c.finalizer)).toBe(true);
    expect(cycles.some((c) => c.resurrect)).toBe(true);
    expect(workloads.some(({ doc }) => doc.setup?.freeze)).toBe(true);
    expect(workloads.some(({ doc }) => doc.saveall)).toBe(true);
    // Lifetimes: keep with a lifetime, rings held a while (with finalizers), caches of objects and of rings.
    const items = workloads.flatMap(({ doc }) => doc.each_iteration);
    expect(items.some((o) => o.keep !== undefined && o.lifetime !== undefined)).toBe(true);
    expect(items.some((o) => o.cycle?.lifetime !== undefined && o.cycle.finalizer)).toBe(true);
    expect(items.some((o) => o.cache && !o.cache.item)).toBe(true);
    expect(items.some((o) => o.cache?.item?.cycle)).toBe(true);
  });
});

for (const version of MEASURED_VERSIONS) {
  const interpreter = found.find((i) => i.modelled === version);
  describe
    .skipIf(!interpreter)
    .concurrent(`CPython ${version}${missing.includes(version) ? ' (not installed)' : ''}`, () => {
      for (const { file, doc } of [
        ...workloads,
        ...shipped.map((w) => ({ ...w, file: `shipped ${w.file}` })),
      ]) {
        it(`${file}: identical stats, count and garbage`, async () => {
          const workload = normalizeWorkload(doc, version);
          const { real, sim } = await compare(interpreter, workload);
          expect(sim).toEqual(real);
        });
      }
      for (const [file, whatIf] of [
        ['w04-keep-temp-ring.yaml', 'break-cycles'],
        ['w09-list.yaml', 'break-cycles'],
        ['w11-setup-heap.yaml', 'disable+collect=5000'],
        ['w11-setup-heap.yaml', 'freeze'],
        ['w01-ring2.yaml', 'threshold=50000,20,100'],
        ['w18-cycle-lifetime.yaml', 'break-cycles'],
        ['w19-cache.yaml', 'break-cycles'],
        ['w19-cache.yaml', 'freeze'],
        ['w17-keep-lifetime.yaml', 'threshold=50,3,4'],
      ] as const) {
        it(`${file} with what-if ${whatIf}: identical`, async () => {
          const source = workloads.find((w) => w.file === file);
          if (!source) throw new Error(`missing fixture ${file}`);
          const workload = applyWhatIf(normalizeWorkload(source.doc, version), whatIf);
          const { real, sim } = await compare(interpreter, workload);
          expect(sim).toEqual(real);
        });
      }
    });
}
