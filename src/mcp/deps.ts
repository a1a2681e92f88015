/**
 * What the MCP tools read, built from the same configuration and composition pieces as the
 * CLI and `serve`: the validation context, the runbook and workload folders, the metrics
 * client, the incident store and the simulation pool. The server only reads: nothing here
 * runs an action or changes an incident.
 */
import type { ValidationContext } from '../adapters/fs/runbook-files.js';
import type { SimulationPool } from '../adapters/workers/simulation-pool.js';
import type { Config } from '../config.js';
import type { Clock, IncidentStore, MetricsClient } from '../core/ports.js';

export interface McpDeps {
  readonly config: Config;
  readonly validation: ValidationContext;
  /** Folder named workloads are read from (WORKLOADS_DIR, else ./workloads, else the shipped ones). */
  readonly workloadsDir: string;
  readonly clock: Clock;
  /** Undefined when no datasource is configured: query, check and fit say so. */
  readonly metrics: MetricsClient | undefined;
  /** The incident store, opened on first use. */
  readonly store: () => Promise<IncidentStore>;
  /** Every simulation goes through it: its per-run time limit and its share per requester hold. */
  readonly simulations: SimulationPool;
  /** Who the pool counts this server's runs against (one assistant connection). */
  readonly requester: string;
}
