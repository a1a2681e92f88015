/**
 * The repro script's shapes for objects with a lifetime: one module-level
 * ring buffer per operation (a list of slots made before the harness freezes
 * the heap, so the list itself is never scanned), a local position per
 * operation, and the store that drops what the slot held. `program-aged.ts`
 * models these statements; change one only together with the other.
 */
import type { Operation } from './workload.js';

const INDENT = '    ';

function slotsOf(op: Operation): number | undefined {
  return op.op === 'keep' || op.op === 'cycle' ? op.slots : undefined;
}

/** Module-level ring buffers. */
export function ringDeclarations(ops: readonly Operation[]): string[] {
  return ops.flatMap((op, i) => {
    const slots = slotsOf(op);
    return slots === undefined ? [] : [`ring${i} = [None] * ${slots}`];
  });
}

/** After the warm-up: every slot emptied in place (the list object stays the one run() reads). */
export function ringResets(ops: readonly Operation[]): string[] {
  return ops.flatMap((op, i) => {
    const slots = slotsOf(op);
    return slots === undefined ? [] : [`ring${i}[:] = [None] * ${slots}`];
  });
}

/** run()'s first lines: each position starts at slot 0. */
export function positionInits(ops: readonly Operation[]): string[] {
  return ops.flatMap((op, i) => (slotsOf(op) === undefined ? [] : [`pos${i} = 0`]));
}

/** `ring[pos] = VALUE`, then the position moves on and wraps. */
function storeLines(i: number, slots: number, value: string): string[] {
  return [`ring${i}[pos${i}] = ${value}; pos${i} += 1`, `if pos${i} == ${slots}: pos${i} = 0`];
}

/** The loop of a `keep` with a lifetime (slotted objects). */
export function keepAgedLines(i: number, slots: number): string[] {
  return [`for _ in range(n${i}):`, ...storeLines(i, slots, 'S()').map((l) => `${INDENT}${l}`)];
}

/** After a ring is closed: it goes into its slot and the locals let go of it at once. */
export function ringStoreLines(i: number, slots: number, size: number): string[] {
  const locals = size > 1 ? [`r${i}`, `p${i}`, `o${i}`] : [`r${i}`, `p${i}`];
  return [...storeLines(i, slots, `r${i}`), `${locals.join(' = ')} = None`];
}
