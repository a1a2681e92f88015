/**
 * The clock port's one implementation: the machine's time. Everything that needs the time
 * takes a Clock (tests pass their own); only this file reads it.
 */
import type { Clock } from '../core/ports.js';

export const systemClock: Clock = { now: () => new Date() };
