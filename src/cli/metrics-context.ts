export { metricsClientFor } from '../composition/metrics.js';
