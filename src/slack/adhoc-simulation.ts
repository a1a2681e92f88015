/**
 * `/gc-incident simulate` from Slack: the workload and its what-ifs, checked
 * against the simulation pool's limits before anything is posted (at most
 * MAX_WHAT_IFS what-ifs; the user's share of the pool), then run as an
 * ad-hoc request, which the pool queues behind incident steps.
 */
import { asSimulationRequest, checkWhatIfCount } from '../adapters/workers/simulation-pool.js';
import { whatIfVariants } from '../core/simulator/what-if.js';
import { normalizeWorkload } from '../core/simulator/workload.js';
import type { AppServices } from './services.js';

export async function simulateFromSlack(
  services: AppServices,
  userId: string,
  channel: string,
  target: string,
  requestedWhatIfs: readonly string[],
): Promise<void> {
  const loaded = services.loadWorkload(target);
  const whatIfs = requestedWhatIfs.length > 0 ? requestedWhatIfs : loaded.whatIf;
  checkWhatIfCount(whatIfs);
  services.simulations?.admit(userId, 1);
  const base = normalizeWorkload(loaded.doc);
  const variants = whatIfVariants(base, whatIfs);
  await asSimulationRequest({ user: userId, priority: 'adhoc' }, () =>
    services.flow.simulateAdhoc(channel, loaded.label, variants, { objective: loaded.objective }),
  );
}
