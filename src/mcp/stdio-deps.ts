/** The dependencies of `gc-incident mcp` over stdio: one process, its own pool and lazily opened store. */
import { loadCalibration } from '../adapters/fs/calibration-file.js';
import { runSimulationInWorker } from '../adapters/simulator/worker-runner.js';
import { SimulationPool } from '../adapters/workers/simulation-pool.js';
import { compose } from '../composition/root.js';
import type { Config } from '../config.js';
import type { Clock, Store } from '../core/ports.js';
import type { McpDeps } from './deps.js';

export interface ClosableDeps {
  readonly deps: McpDeps;
  close(): Promise<void>;
}

export function stdioDeps(config: Config, clock: Clock): ClosableDeps {
  const root = compose(config);
  const { context } = root.validation();
  const metrics = root.metrics();
  // As `simulate` does: the measured pause costs when CALIBRATION_FILE names a profile.
  const calibration = loadCalibration(config.calibrationFile);
  const simulations = new SimulationPool({
    run: (workload, options) => runSimulationInWorker(workload, { ...options, calibration }),
  });
  let opened: Promise<Store> | undefined;
  return {
    deps: {
      config,
      validation: context,
      workloadsDir: config.workloadsDir,
      clock,
      metrics,
      store: () => {
        // A store that could not be opened is tried again on the next call, not cached broken.
        opened ??= root.openStore(clock).catch((error: unknown) => {
          opened = undefined;
          throw error;
        });
        return opened;
      },
      simulations,
      requester: 'mcp',
    },
    async close() {
      await metrics?.close();
      if (opened) await (await opened).close();
    },
  };
}
