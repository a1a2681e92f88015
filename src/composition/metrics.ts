/** The Prometheus client, from PROMETHEUS_URL / DATASOURCES_FILE; undefined when neither is set. */
import { PrometheusClient } from '../adapters/prometheus/client.js';
import { resolveDatasources } from '../adapters/prometheus/datasources.js';
import type { Config } from '../config.js';
import { bundledSchemaValidator } from './validation-context.js';

export function metricsClientFor(
  config: Pick<Config, 'datasourcesFile' | 'prometheusUrl' | 'secret'>,
): PrometheusClient | undefined {
  const datasources = resolveDatasources(config, bundledSchemaValidator());
  return datasources.size > 0 ? new PrometheusClient(datasources) : undefined;
}
