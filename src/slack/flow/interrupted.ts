/** Steps whose process died while running them: failed with the reason (by the driver), so people can run them again. */
import type { LeasedWork } from '../../core/ports.js';
import { noticeMessage } from '../blocks/step-output.js';
import type { FlowRuntime } from './runtime.js';

export async function interrupted(rt: FlowRuntime, work: LeasedWork): Promise<void> {
  const { incidentId, stepIds } = JSON.parse(work.body) as { incidentId: string; stepIds: string[] };
  const incident = await rt.deps.store.load(incidentId);
  const stuck = incident?.steps.filter((s) => stepIds.includes(s.id) && s.status === 'running') ?? [];
  if (!incident || stuck.length === 0) return;
  const outcome = await rt.driver.failInterrupted(
    incidentId,
    stuck.map((s) => s.id),
    work.key,
  );
  const them = stuck.length > 1 ? 'them' : 'it';
  await rt
    .thread(incident, [
      noticeMessage(
        `⚠️ ${stuck.map((s) => `*${s.title}*`).join(', ')} interrupted: the gc-incident process running ${them} stopped. Click Run to run ${them} again.`,
      ),
    ])
    .catch(() => {});
  await rt.cards.refresh(incidentId, outcome?.incident ?? incident);
}
