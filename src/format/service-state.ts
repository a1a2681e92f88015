/**
 * The bundled service's `GET /admin/state` (service/gc_service.py) as one sentence a person
 * reads at the end of a drill: what the collector does now, in the units every surface uses.
 * Fields the answer lacks (or has in another shape) are left out, never guessed.
 */
import { formatMeasure } from './measure.js';

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The service's own words, shown in a terminal: no control characters (an escape sequence), at most 40 characters. */
const plain = (text: string): string => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return clean.length > 40 ? `${clean.slice(0, 39)}…` : clean;
};

/** `collector enabled, gc.set_threshold(100000, 10, 10), 0 objects frozen, resident memory 83 MiB (57 MiB private)`. */
export function describeServiceState(state: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  if (typeof state.mode === 'string') parts.push(`mode ${plain(state.mode)}`);
  if (typeof state.enabled === 'boolean')
    parts.push(state.enabled ? 'collector enabled' : 'collector disabled (gc.disable())');
  const threshold = state.threshold;
  if (Array.isArray(threshold) && threshold.length > 0 && threshold.every(isNumber))
    parts.push(`gc.set_threshold(${threshold.join(', ')})`);
  if (isNumber(state.frozen)) parts.push(`${formatMeasure(state.frozen, 'objects')} frozen`);
  if (isNumber(state.collect_every) && state.collect_every > 0)
    parts.push(`gc.collect() every ${formatMeasure(state.collect_every, 'seconds')}`);
  if (state.workers !== null && typeof state.workers === 'object') {
    const count = Object.keys(state.workers).length;
    const frozen =
      state.forked_frozen === true
        ? ', forked after gc.freeze()'
        : state.forked_frozen === false
          ? ', forked without gc.freeze()'
          : '';
    parts.push(`${count} pre-fork worker${count === 1 ? '' : 's'}${frozen}`);
  }
  if (isNumber(state.resident_memory_bytes)) {
    const uss = isNumber(state.private_memory_bytes)
      ? ` (${formatMeasure(state.private_memory_bytes, 'bytes')} private)`
      : '';
    // With pre-fork workers, the figures are the master's process alone.
    const whose = state.workers !== null && typeof state.workers === 'object' ? 'master’s ' : '';
    parts.push(`${whose}resident memory ${formatMeasure(state.resident_memory_bytes, 'bytes')}${uss}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'no state it can describe';
}
