/** The dependencies of `gc-incident mcp` over stdio: one process, its own pool and lazily opened store. */
import { loadCalibration } from '../adapters/fs/calibration-file.js';
import { runSimulationInWorker } from '../adapters/simulator/worker-runner.js';
import { openStore, parseDatabaseUrl } from '../adapters/store/open-store.js';
import { SimulationPool } from '../adapters/workers/simulation-pool.js';
import { metricsClientFor } from '../composition/metrics.js';
import { buildValidationContext } from '../composition/validation-context.js';
import { readConfig } from '../config.js';
import { resolveContentDirs } from '../content-dirs.js';
import type { Clock, Store } from '../core/ports.js';
import type { McpDeps } from './deps.js';

export interface ClosableDeps {
  readonly deps: McpDeps;
  close(): Promise<void>;
}

export function stdioDeps(env: Readonly<Record<string, string | undefined>>, clock: Clock): ClosableDeps {
  const config = readConfig(env);
  const { context } = buildValidationContext(config, [], env);
  const metrics = metricsClientFor(config, env);
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
      workloadsDir: resolveContentDirs(env).workloadsDir,
      clock,
      metrics,
      store: () => {
        // A store that could not be opened is tried again on the next call, not cached broken.
        opened ??= openStore(parseDatabaseUrl(config.databaseUrl), { clock }).catch((error: unknown) => {
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
