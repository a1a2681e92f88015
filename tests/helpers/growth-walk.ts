import { type CheckEvaluation, evaluateSamples } from '../../src/core/checks/evaluate.js';
import type { IncidentService } from '../../src/core/incident/service.js';
import { orAlternatives } from '../../src/core/promql/or-operands.js';
import { allChecks } from '../../src/core/runbook/types.js';
import { stateChangeMessage } from '../../src/slack/blocks/broadcast.js';
import { incidentCard } from '../../src/slack/blocks/card.js';
import { cardContext } from '../../src/slack/blocks/card-context.js';
import { checkBatchMessages } from '../../src/slack/blocks/check-batch.js';
import type { SlackMessage } from '../../src/slack/blocks/common.js';
import { ALICE, type Frame, LINKS } from './card-walk.js';
import { openFullCollectionIncident } from './full-collection-incident.js';

/** What Prometheus answers for each check of the walk (a ratio for the pause, bytes per minute for growth). */
const VALUES: Record<string, number> = {
  'full-collection-pauses': 3.2,
  'large-heap': 3_300_000_000,
  'young-collection-churn': 12.4,
  'old-generation-growth': 2_200_000,
  'python-upgraded': 1,
};

export async function growthWalk(): Promise<Frame[]> {
  const opened = await openFullCollectionIncident('growth', '2026-11-20T03:12:00.000Z');
  const { store, clock, service, runbook, entry } = opened;
  let incident = opened.incident;
  const id = incident.id;
  const run = async (minutes: number, command: Parameters<IncidentService['execute']>[1]) => {
    clock.advance(minutes * 60_000);
    incident = (await service.execute(id, command)).incident;
  };
  /** Runs the phase's checks on the fixed values; their results as the thread's one message. */
  const runChecks = async (phase: 'detection' | 'triage'): Promise<SlackMessage[]> => {
    const results = [];
    for (const check of allChecks(runbook)) {
      const step = incident.steps.find((s) => s.id === check.id);
      if (step?.phase !== phase) continue;
      const measured = evaluateSamples(
        [{ labels: { instance: 'checkout-7f9c:8000' }, value: VALUES[check.id] ?? 0 }],
        check,
        { query: check.query, datasource: 'default', at: clock.now().toISOString() },
      );
      // The pause alternative answered (the exporter is there), as withDecidedBy records it.
      const alternatives = orAlternatives(check.query);
      const evaluation: CheckEvaluation =
        alternatives.length > 1
          ? {
              ...measured,
              decidedBy: { alternative: 1, alternatives: alternatives.length, query: alternatives[0] ?? '' },
            }
          : measured;
      await run(0, { type: 'start-step', stepId: check.id, actor: 'system' });
      await run(0, { type: 'complete-step', stepId: check.id, actor: 'system', result: evaluation });
      results.push({ step: incident.steps.find((s) => s.id === check.id) as never, evaluation, check });
    }
    return checkBatchMessages(results);
  };

  const detected = await runChecks('detection');
  await run(1, { type: 'advance-phase', actor: ALICE });
  const phase = stateChangeMessage(incident, { kind: 'phase', phase: 'triage' }, ALICE, clock.now());
  const triage = await runChecks('triage');
  const card = incidentCard(incident, new Set(), cardContext(incident, entry, LINKS, clock.now()));
  await store.close();
  return [
    {
      name: '16-memory-growth',
      caption: 'Full-collection triage with Prometheus up: memory growth reads per minute',
      card,
      thread: [
        ...detected.map((message) => ({ message })),
        { message: phase, broadcast: true },
        ...triage.map((message) => ({ message })),
      ],
      incident,
    },
  ];
}
