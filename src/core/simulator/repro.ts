/**
 * Writes a standalone Python script that runs a workload under the
 * deterministic harness protocol (docs: cpython-gc notes §7.1) and prints one
 * JSON line with the same `stats`, `count` and `garbage` keys the simulator
 * reports. The code shapes here are what the simulator's traces model, one
 * statement per micro-operation; change one only together with the other.
 */
import { keepAgedLines, positionInits, ringDeclarations, ringResets, ringStoreLines } from './repro-aged.js';
import type { ObjectKind, Operation, PeriodicAction, Workload } from './workload.js';

const INDENT = '    ';

function className(kind: ObjectKind, variant: 'plain' | 'finalizer' | 'resurrect'): string {
  const base = kind === 'plain' ? 'P' : 'S';
  return variant === 'plain' ? base : `${base}${variant === 'finalizer' ? 'F' : 'R'}`;
}

/** The expression that creates one object of a kind (for list/dict: a literal). */
function create(kind: ObjectKind): string {
  switch (kind) {
    case 'slotted':
      return 'S()';
    case 'plain':
      return 'P()';
    case 'list':
      return '[]';
    case 'dict':
      return '{}';
  }
}

function setRef(kind: ObjectKind, target: string, value: string): string {
  switch (kind) {
    case 'list':
      return `${target}.append(${value})`;
    case 'dict':
      return `${target}['ref'] = ${value}`;
    default:
      return `${target}.ref = ${value}`;
  }
}

function opLines(op: Operation, index: number): { body: string[]; release: string[] } {
  const n = `n${index}`;
  switch (op.op) {
    case 'keep':
      if (op.slots !== undefined) return { body: keepAgedLines(index, op.slots), release: [] };
      if (op.kind === 'plain') {
        return {
          body: [
            `for _ in range(${n}):`,
            `${INDENT}o${index} = P(); o${index}.ref = None; keep.append(o${index})`,
          ],
          release: [`o${index}`],
        };
      }
      return { body: [`for _ in range(${n}):`, `${INDENT}keep.append(${create(op.kind)})`], release: [] };
    case 'temp':
      return {
        body: [
          `for _ in range(${n}):`,
          `${INDENT}${op.kind === 'plain' ? 'P().ref = None' : create(op.kind)}`,
        ],
        release: [],
      };
    case 'bulk': {
      const factory = { slotted: 'S', plain: 'P', list: 'list', dict: 'dict' }[op.kind];
      return { body: [`keep.extend(starmap(${factory}, repeat((), ${n})))`], release: [] };
    }
    case 'cycle': {
      const first = className(op.kind, op.resurrect ? 'resurrect' : op.finalizer ? 'finalizer' : 'plain');
      const rest = className(op.kind, op.finalizer ? 'finalizer' : 'plain');
      const make = (cls: string) => (op.kind === 'list' || op.kind === 'dict' ? create(op.kind) : `${cls}()`);
      const [r, p, o] = [`r${index}`, `p${index}`, `o${index}`];
      const body = [`${r} = ${p} = ${make(first)}`];
      if (op.size > 1) {
        body.push(
          `for _ in range(${n}):`,
          `${INDENT}${o} = ${make(rest)}; ${setRef(op.kind, p, o)}; ${p} = ${o}`,
        );
      }
      body.push(setRef(op.kind, p, r));
      if (op.broken) {
        // what-if break-cycles: clear one reference so reference counting frees the ring.
        body.push(op.kind === 'list' || op.kind === 'dict' ? `${r}.clear()` : `${r}.ref = None`);
      }
      if (op.slots !== undefined)
        return { body: [...body, ...ringStoreLines(index, op.slots, op.size)], release: [] };
      return { body, release: op.size > 1 ? [r, p, o] : [r, p] };
    }
  }
}

function opCount(op: Operation): number {
  return op.op === 'cycle' ? op.size - 1 : op.count;
}

function periodicLine(action: PeriodicAction): string {
  switch (action.action) {
    case 'collect':
      return `gc.collect(${action.generation})`;
    case 'set_threshold':
      return `gc.set_threshold(${action.thresholds.join(', ')})`;
    default:
      return `gc.${action.action}()`;
  }
}

export function reproScript(workload: Workload): string {
  const params = workload.ops.map((_, i) => `n${i}`);
  const loop: string[] = [];
  const release: string[] = [];
  workload.ops.forEach((op, i) => {
    const lines = opLines(op, i);
    loop.push(...lines.body);
    release.push(...lines.release);
  });
  if (release.length > 0) loop.push(`${release.join(' = ')} = None`);
  for (const action of workload.every) {
    loop.push(`if i % ${action.period} == ${action.period - 1}:`, `${INDENT}${periodicLine(action)}`);
  }
  const counts = workload.ops.map(opCount);
  const warmCounts = counts.map((c) => Math.min(c, 3));
  const setupKind = workload.setup.kind;
  const setupLine =
    setupKind === 'plain'
      ? 'for _ in range(HEAP):\n    o = P(); o.ref = None; heap.append(o)\no = None'
      : `for _ in range(HEAP):\n    heap.append(${create(setupKind)})`;
  const [t0, t1, t2] = workload.thresholds;
  return `# gc-incident repro script for workload '${workload.name}' (modelled Python ${workload.python}).
# Runs the workload under a deterministic harness and prints one JSON line with
# gc.get_stats() deltas ("stats"), the final gc.get_count() ("count") and
# len(gc.garbage) ("garbage"), to compare with 'gc-incident simulate --json'.
# Run it as:  python -I -S repro.py
# -I -S keeps site-packages out, so start-up objects do not depend on the install.
import gc
import json
import sys
from itertools import repeat, starmap

gc.disable()

HEAP = ${workload.setup.heap}


class S:
    __slots__ = ('ref',)


class SF:
    __slots__ = ('ref',)

    def __del__(self):
        pass


class SR:
    __slots__ = ('ref',)

    def __del__(self):
        _res.append(self)


class P:
    pass


class PF:
    def __del__(self):
        pass


class PR:
    def __del__(self):
        _res.append(self)


keep = []
heap = []
_res = []
${ringDeclarations(workload.ops).join('\n')}


def run(iterations${params.map((p) => `, ${p}`).join('')}):
${positionInits(workload.ops)
  .map((l) => `    ${l}\n`)
  .join('')}    for i in range(iterations):
${loop.map((l) => `        ${l.replace(/\n/g, '\n        ')}`).join('\n')}


def finalizer_warmup():
    # Runs each __del__ once so that, on 3.8-3.10, its frame already exists and
    # later finalizer calls inside a collection allocate nothing.
    for cls in (SF, SR, PF, PR):
        cls()
    _res.clear()


# Warm-up: creates code objects' frames (3.8-3.10) and specialises the bytecode
# (3.11+), so the measured run executes exactly the modelled instructions.
finalizer_warmup()
run(8${warmCounts.map((c) => `, ${c}`).join('')})
gc.disable()
keep.clear()
_res.clear()
${ringResets(workload.ops).join('\n')}
gc.collect()
gc.freeze()
${setupLine}
${workload.setup.freeze ? 'gc.freeze()' : ''}
before = gc.get_stats()
gc.set_threshold(${t0}, ${t1}, ${t2})
${workload.saveall ? 'gc.set_debug(gc.DEBUG_SAVEALL)' : ''}
gc.collect()${workload.setup.collectThenFreeze ? '\ngc.freeze()  # what-if: collect, then freeze' : ''}
${workload.disabled ? '# what-if: the collector stays disabled during the run' : 'gc.enable()'}
run(${[workload.iterations, ...counts].join(', ')})
gc.disable()
count = gc.get_count()
after = gc.get_stats()
gc.set_debug(0)
stats = []
for gen in range(3):
    stats.append({key: after[gen][key] - before[gen][key] for key in ('collections', 'collected', 'uncollectable')})
stats[2]['collections'] -= 1  # the harness's own gc.collect() above
# Arguments are literals: a starred call would allocate a tuple and shift every count.
print(json.dumps({
    'python': '.'.join(map(str, sys.version_info[:3])),
    'stats': stats,
    'count': list(count),
    'garbage': len(gc.garbage),
}))
`;
}
