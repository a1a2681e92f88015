/** What startServer (server.ts) takes and returns. */
import type { DestinationStream, Logger } from 'pino';
import type { WorkLeases } from '../adapters/leases/work-leases.js';
import type { AppMetrics } from '../adapters/observability/app-metrics.js';
import type { SimulationPoolOptions } from '../adapters/workers/simulation-pool.js';
import type { Composition } from '../composition/root.js';
import type { ServeConfig } from '../config.js';
import type { Clock, Store } from '../core/ports.js';
import type { Timers } from './post-queue.js';
import type { ReminderSender } from './reminder-sender.js';
import type { AppServices } from './services.js';

export interface ServerOptions {
  readonly config: ServeConfig;
  /** The clients built from `config` (src/composition/root.ts); tests may pass their own. */
  readonly root?: Composition | undefined;
  /** Injected by tests; otherwise opened from DATABASE_URL (and closed on stop). */
  readonly store?: Store | undefined;
  readonly clock?: Clock | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  readonly logDestination?: DestinationStream | undefined;
  /** Web API retries (default: up to 5, honouring Retry-After). */
  readonly slackRetries?: number | undefined;
  /** How long a stopped process's unfinished work waits before another takes it over (default 30 s). */
  readonly leaseMs?: number | undefined;
  /** How long a claimed reminder waits before another process may send it (default 5 min). */
  readonly reminderLeaseMs?: number | undefined;
  /** Log and survive exceptions nothing else caught (the `serve` process; not a test runner's). */
  readonly lastResort?: boolean | undefined;
  /** The post queue's clock and timers (default the machine's; its pace is Slack's, in real time). */
  readonly postClock?: Clock | undefined;
  readonly postTimers?: Timers | undefined;
  /** Simulation pool limits (tests shorten them; defaults: CPUs, 2 per user, 120 s per run). */
  readonly simulations?: Omit<SimulationPoolOptions, 'run'> | undefined;
}

export interface RunningServer {
  readonly port: number;
  readonly mode: 'http' | 'socket';
  readonly services: AppServices;
  readonly metrics: AppMetrics;
  readonly logger: Logger;
  readonly reminders: ReminderSender;
  readonly leases: WorkLeases;
  /** Sends the daily digest now (once per day across replicas). */
  digest(): Promise<number>;
  stop(): Promise<void>;
}
