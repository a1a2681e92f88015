/**
 * The full-collection runbook with Prometheus up, to triage: detection holds, and the triage
 * checks land in the thread as one message, the old generation's growth read as a rate
 * ("2.1 MiB/min, over the 1 MiB/min limit"). Fixed times and values; pure renderers only.
 * Input of `npm run preview:slack` (frame 16-memory-growth).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { type CheckEvaluation, evaluateSamples } from '../../src/core/checks/evaluate.js';
import { IncidentService } from '../../src/core/incident/service.js';
import { orAlternatives } from '../../src/core/promql/or-operands.js';
import { allChecks } from '../../src/core/runbook/types.js';
import { stateChangeMessage } from '../../src/slack/blocks/broadcast.js';
import { incidentCard } from '../../src/slack/blocks/card.js';
import { cardContext } from '../../src/slack/blocks/card-context.js';
import { checkBatchMessages } from '../../src/slack/blocks/check-batch.js';
import type { SlackMessage } from '../../src/slack/blocks/common.js';
import { ALICE, type Frame, LINKS } from './card-walk.js';
import { FakeClock, shippedRunbook } from './engine.js';
import { RUNBOOKS_DIR } from './runbooks.js';

const RUNBOOK = 'gc-full-collection-latency';
/** What Prometheus answers for each check of the walk (a ratio for the pause, bytes per minute for growth). */
const VALUES: Record<string, number> = {
  'full-collection-pauses': 3.2,
  'large-heap': 3_300_000_000,
  'young-collection-churn': 12.4,
  'old-generation-growth': 2_200_000,
  'python-upgraded': 1,
};

export async function growthWalk(): Promise<Frame[]> {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-growth-')), 'gc.db'));
  await store.migrate();
  const clock = new FakeClock(Date.parse('2026-11-20T03:12:00.000Z'));
  const service = new IncidentService(store, clock);
  const runbook = shippedRunbook(RUNBOOK);
  const entry = { runbook, file: join(RUNBOOKS_DIR, `${RUNBOOK}.yaml`) };
  let { incident } = await service.open({
    runbook,
    runbookVersion: 'sha256:9a1e77c0',
    service: 'checkout-api',
    inputs: { job: 'checkout' },
    commander: ALICE,
    trigger: 'alert PythonFullCollectionPauses',
  });
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
