/** Placeholder replaced below. */
import { GcEngine } from './engine.js';
export class FreeThreadedEngine extends GcEngine {}
