/** What the listeners need, wired once by the composition root (src/slack/server.ts). */

import type { Logger } from 'pino';
import type { RunbookLibrary } from '../adapters/fs/runbook-library.js';
import type { AppMetrics } from '../adapters/observability/app-metrics.js';
import type { SimulationPool } from '../adapters/workers/simulation-pool.js';
import type { IncidentService } from '../core/incident/service.js';
import type { Clock, Store } from '../core/ports.js';
import type { Objective } from '../core/simulator/objective.js';
import type { WorkloadDocument } from '../core/simulator/workload.js';
import type { IncidentFlow } from './flow/flow.js';
import type { SlackGateway } from './gateway.js';

export interface AppServices {
  readonly flow: IncidentFlow;
  readonly service: IncidentService;
  readonly store: Store;
  readonly runbooks: RunbookLibrary;
  readonly slack: SlackGateway;
  readonly logger: Logger;
  readonly appMetrics: AppMetrics;
  readonly clock: Clock;
  /** Every simulation of the process runs here (optional so tests may wire services without one). */
  readonly simulations?: SimulationPool | undefined;
  /** A workload by name (WORKLOADS_DIR) or runbook step (RUNBOOK_ID:STEP_ID); throws a coded error. */
  readonly loadWorkload: (target: string) => {
    doc: WorkloadDocument;
    whatIf: readonly string[];
    label: string;
    /** A runbook step's objective: what its what-ifs are ranked on. */
    objective?: Objective | undefined;
  };
}
