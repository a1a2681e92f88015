/**
 * Simulations from Slack: a runbook's simulate step (the driver's simulation port) and
 * `/gc-incident simulate`. Variants run in the worker pool; one progress message is edited
 * as they go, then the verdict, the compact table, the full table and the chart follow.
 */
import { resolveStepWorkloads, stepSimulationSummary } from '../../adapters/fit/step-workload.js';
import type { LabelledResult } from '../../adapters/simulator/runbook-step.js';
import type { ObservedGc } from '../../core/diagnose/result.js';
import type { Incident } from '../../core/incident/model.js';
import type { SimulateStep } from '../../core/runbook/types.js';
import { simulationChartSpec, simulationChartTitle } from '../../core/simulator/chart-spec.js';
import type { DecisionContext } from '../../core/simulator/rank.js';
import type { ModelledPython, Workload } from '../../core/simulator/workload.js';
import { formatComparison } from '../../format/simulation.js';
import { compactComparison, simulationVerdict } from '../../format/simulation-summary.js';
import type { SlackMessage } from '../blocks/common.js';
import { comparisonTableBlock } from '../blocks/comparison-table.js';
import { decisionChartBlocks } from '../blocks/native-charts.js';
import { noticeMessage, progressMessage, simulationMessages } from '../blocks/step-output.js';
import { userMessage } from '../error-text.js';
import { escapeMrkdwn } from '../escape-mrkdwn.js';
import { uploadTable } from '../thread.js';
import type { FlowRuntime } from './runtime.js';

/** Progress messages are edited at most this often (chat.update is a Tier 3 method). */
const PROGRESS_EVERY_MS = 1500;

type Variants = readonly { label: string; workload: Workload }[];

/** The simulation port: variants in the worker, one progress message edited in the thread. */
export async function simulateStep(
  rt: FlowRuntime,
  incident: Incident,
  step: SimulateStep,
  python: ModelledPython | undefined,
  observed?: ObservedGc,
) {
  const { file, runbook } = rt.runbookOf(incident);
  // A step with `workload: {fit: …}` is fitted to the incident's job (else its `ref`), said in `note`.
  const { variants, note, context, pauseCost } = await resolveStepWorkloads(step, file, {
    metrics: rt.deps.metrics,
    inputs: incident.inputs,
    now: rt.deps.clock.now(),
    python,
    datasource: runbook.datasource,
    observed,
    fit: rt.deps.fit,
  });
  const results = await runVariants(
    rt,
    step.title,
    variants,
    (message) => rt.thread(incident, [message]),
    (ts, message) =>
      incident.card ? rt.deps.slack.update(incident.card.channel, ts, message) : Promise.resolve(),
  );
  return { summary: stepSimulationSummary(results, note, pauseCost), results, context };
}

/** `/gc-incident simulate`: a message in the channel with progress, the table and chart in its thread. */
export async function simulateAdhoc(
  rt: FlowRuntime,
  channel: string,
  title: string,
  variants: Variants,
  context: DecisionContext = {},
): Promise<void> {
  const { slack } = rt.deps;
  const { ts } = await slack.post(channel, progressMessage(title, 0, 'queued'));
  rt.tasks.run(`simulate ${title}`, async () => {
    try {
      const results = await runVariants(
        rt,
        title,
        variants,
        async (message) => {
          await slack.update(channel, ts, message);
          return ts;
        },
        (t, message) => slack.update(channel, t, message),
      );
      const table = formatComparison(results);
      const modelOnly = results.some((r) => r.result.fidelity === 'model only');
      const step = {
        id: 'simulate',
        title,
        phase: 'triage',
        kind: 'simulate',
        optional: true,
        status: 'done',
      } as const;
      const summary = { verdict: simulationVerdict(results, context), compact: compactComparison(results) };
      await rt.native.postAll(
        channel,
        ts,
        simulationMessages(step, table, modelOnly, { ...summary, table: comparisonTableBlock(results) }),
        simulationMessages(step, table, modelOnly, summary),
      );
      await uploadTable(rt.deps, channel, ts, { id: 'simulation', title }, table);
      await rt.native.chart(
        { channel, ts },
        results.length > 1 ? decisionChartBlocks(results, title, context) : [],
        {
          filename: 'simulation.png',
          title: simulationChartTitle(results, title),
          spec: simulationChartSpec(results, title, context),
        },
      );
    } catch (error) {
      await slack.post(
        channel,
        noticeMessage(`❌ Simulation failed: ${escapeMrkdwn(userMessage(error))}`),
        ts,
      );
    }
  });
}

/** Runs each variant in the worker, editing one progress message as it goes. */
async function runVariants(
  rt: FlowRuntime,
  title: string,
  variants: Variants,
  post: (message: SlackMessage) => Promise<string | undefined>,
  edit: (ts: string, message: SlackMessage) => Promise<void>,
): Promise<LabelledResult[]> {
  const progressTs = await post(progressMessage(title, 0, `starting ${variants.length} run(s)`));
  let lastEdit = 0;
  const results: LabelledResult[] = [];
  try {
    for (const [i, { label, workload }] of variants.entries()) {
      const result = await rt.deps.simulate(workload, (fraction) => {
        const now = rt.deps.clock.now().getTime();
        if (!progressTs || now - lastEdit < PROGRESS_EVERY_MS) return;
        lastEdit = now;
        void edit(
          progressTs,
          progressMessage(title, (i + fraction) / variants.length, `${label} (${i + 1}/${variants.length})`),
        ).catch(() => {});
      });
      results.push({ label, result });
    }
    rt.deps.appMetrics.simulations.inc({ outcome: 'done' });
  } catch (error) {
    rt.deps.appMetrics.simulations.inc({ outcome: 'failed' });
    throw error;
  }
  if (progressTs)
    await edit(progressTs, progressMessage(title, 1, `done: ${variants.length} run(s)`)).catch(() => {});
  return results;
}
