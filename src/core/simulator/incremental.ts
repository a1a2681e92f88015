/** Placeholder replaced below. */
import { GcEngine } from './engine.js';
export class IncrementalEngine extends GcEngine {}
