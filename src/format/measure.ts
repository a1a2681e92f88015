/** The one unit formatter lives in the core (check reasons use it too): src/core/checks/measure.ts. */
export { formatMeasure, formatPlain, ratioQuantity } from '../core/checks/measure.js';
