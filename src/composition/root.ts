/**
 * The composition root: from a typed Config (src/config.ts) to what the surfaces run on. The
 * Slack app (serve), the CLI commands, the MCP server and the drill take their validation
 * context, Prometheus client, HTTP actions and store from here; the driver comes from
 * buildDriver (./driver.ts) with the surface's narrator. Nothing here reads the environment:
 * the drill builds its own Config and gets its own composition.
 */
import type { ValidationContext } from '../adapters/fs/runbook-files.js';
import type { HttpActionRunner } from '../adapters/http-actions/runner.js';
import type { PrometheusClient } from '../adapters/prometheus/client.js';
import type { Config } from '../config.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { Clock, Store } from '../core/ports.js';
import { httpActionsFor } from './http-actions.js';
import { metricsClientFor } from './metrics.js';
import { openConfiguredStore, withConfiguredStore } from './store.js';
import { buildValidationContext } from './validation-context.js';

export interface Composition {
  readonly config: Config;
  /** Compiled schemas and the known datasource and action names (problems: the files' own). */
  validation(extraDatasources?: readonly string[]): { context: ValidationContext; problems: Diagnostic[] };
  /** A new client for the configured datasources (the caller closes it); undefined: none set. */
  metrics(): PrometheusClient | undefined;
  /** The HTTP actions of HTTP_ACTIONS_FILE; undefined when unset. */
  actions(): HttpActionRunner | undefined;
  openStore(clock?: Clock): Promise<Store>;
  withStore<T>(fn: (store: Store) => Promise<T>): Promise<T>;
}

export function compose(config: Config): Composition {
  return {
    config,
    validation: (extra = []) => buildValidationContext(config, extra),
    metrics: () => metricsClientFor(config),
    actions: () => httpActionsFor(config),
    openStore: (clock) => openConfiguredStore(config, clock),
    withStore: (fn) => withConfiguredStore(config, fn),
  };
}
