/**
 * The app's own Prometheus metrics, on a registry owned by the composition root
 * (never prom-client's global one), served at /metrics.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface AppMetrics {
  readonly registry: Registry;
  readonly commands: Counter<'command' | 'outcome'>;
  readonly interactions: Counter<'kind' | 'action'>;
  readonly ackSeconds: Histogram<'kind'>;
  readonly slackApiErrors: Counter<'method' | 'error'>;
  readonly remindersSent: Counter<never>;
  readonly simulations: Counter<'outcome'>;
}

export function createAppMetrics(options: { defaultMetrics?: boolean } = {}): AppMetrics {
  const registry = new Registry();
  // Standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes, …), so the usual
  // Node.js dashboards and alerts work unchanged; the app's own metrics carry gc_incident_.
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    commands: new Counter({
      name: 'gc_incident_slack_commands_total',
      help: 'Slash commands handled, by sub-command and outcome.',
      labelNames: ['command', 'outcome'],
      registers: [registry],
    }),
    interactions: new Counter({
      name: 'gc_incident_slack_interactions_total',
      help: 'Button clicks, view submissions and shortcuts handled.',
      labelNames: ['kind', 'action'],
      registers: [registry],
    }),
    ackSeconds: new Histogram({
      name: 'gc_incident_slack_ack_seconds',
      help: 'Time from receiving a Slack request to answering it.',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
      registers: [registry],
    }),
    slackApiErrors: new Counter({
      name: 'gc_incident_slack_api_errors_total',
      help: 'Slack Web API calls that failed, by method and error.',
      labelNames: ['method', 'error'],
      registers: [registry],
    }),
    remindersSent: new Counter({
      name: 'gc_incident_reminders_sent_total',
      help: 'Follow-up reminders delivered.',
      registers: [registry],
    }),
    simulations: new Counter({
      name: 'gc_incident_simulations_total',
      help: 'Simulator runs started from Slack, by outcome.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
