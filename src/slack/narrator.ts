/**
 * Slack's narrator: what the driver does, as messages in the incident card's thread (check
 * values, query results, simulation tables and charts, action outcomes, verification progress)
 * and a redrawn card. Slack's decisions: the one question asked in the thread (the datasource
 * is unavailable); every other decision is a button on the card already.
 */
import type { Logger } from 'pino';
import { rangeChartSpec, unitTitle } from '../core/checks/chart-spec.js';
import type { CheckEvaluation } from '../core/checks/evaluate.js';
import type { StableOutcome, StableRound } from '../core/checks/stable-for.js';
import { formatSpan } from '../core/duration.js';
import { isGcIncidentError } from '../core/errors.js';
import type {
  Answer,
  ConditionDecision,
  Decision,
  Decisions,
  Narrator,
  Person,
  StepOutput,
  VerificationTiming,
} from '../core/incident/driver/ports.js';
import { findCheck } from '../core/incident/driver/run-metric-step.js';
import type { Incident, Phase, StepState } from '../core/incident/model.js';
import { renderQuery } from '../core/incident/render-query.js';
import { type IncidentRole, ROLE_LABEL } from '../core/incident/roles.js';
import type { Clock, MetricsClient } from '../core/ports.js';
import type { Runbook } from '../core/runbook/types.js';
import { simulationChartSpec, simulationChartTitle } from '../core/simulator/chart-spec.js';
import { slackDate } from '../format/relative-time.js';
import { compactComparison, simulationNote, simulationVerdict } from '../format/simulation-summary.js';
import { type StateChange, stateChangeMessage } from './blocks/broadcast.js';
import { WINDOW_LEAD_MS } from './blocks/card-context.js';
import { type CheckResult, checkBatchMessages } from './blocks/check-batch.js';
import { context, type SlackMessage } from './blocks/common.js';
import { comparisonTableBlock } from './blocks/comparison-table.js';
import { conditionsMessage } from './blocks/conditions.js';
import { diagnoseMessages } from './blocks/diagnose.js';
import { followUpListMessage } from './blocks/followups.js';
import { metricStepsSkippedMessage, metricsUnavailableMessage } from './blocks/metrics-unavailable.js';
import { decisionChartBlocks, rangeChartBlock } from './blocks/native-charts.js';
import {
  actionCallMessages,
  failureMessage,
  noticeMessage,
  phaseIntroMessages,
  queryMessages,
  simulationMessages,
} from './blocks/step-output.js';
import type { CardUpdater } from './card-updater.js';
import { escapeMrkdwn } from './escape-mrkdwn.js';
import type { SlackGateway } from './gateway.js';
import type { NativeBlocks } from './native-blocks.js';
import { postToThread, uploadChart, uploadTable } from './thread.js';

export interface SlackNarratorDeps {
  readonly slack: SlackGateway;
  readonly cards: CardUpdater;
  readonly runbookOf: (incident: Incident) => Runbook;
  readonly metrics?: MetricsClient | undefined;
  readonly chart?: ((spec: Record<string, unknown>) => Promise<Buffer>) | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Keeps a card redraw running after the call that asked for it (shutdown and tests wait for it). */
  readonly track: (work: Promise<unknown>) => void;
  readonly teamTimeZone?: string | undefined;
  /** Tables and charts Slack draws itself, with their fallbacks (native-blocks.ts). */
  readonly native?: NativeBlocks | undefined;
  /** The incident's own channel follows its state (topic, announcing line, archive after close). */
  readonly placeChanged?: ((incident: Incident) => Promise<void>) | undefined;
  /** On every change: the channel's topic and announcing line follow what they show (edited only when it differs). */
  readonly placeShown?: ((incident: Incident) => Promise<void>) | undefined;
}

export class SlackNarrator implements Narrator, Decisions {
  /** The verification progress message of each incident, edited every round. */
  private readonly progress = new Map<string, string>();
  /** Check results of each incident's running batches (how many are open, what they produced). */
  private readonly batches = new Map<string, { open: number; results: CheckResult[] }>();

  constructor(private readonly d: SlackNarratorDeps) {}

  private thread(incident: Incident, messages: readonly SlackMessage[]) {
    return postToThread(this.d.slack, incident, messages);
  }

  /** One short line in the thread and the channel (reply_broadcast); a failure is logged, never thrown. */
  async broadcast(incident: Incident, change: StateChange, actor: string): Promise<void> {
    if (!incident.card) return;
    const message = stateChangeMessage(incident, change, actor, this.d.clock.now());
    await this.d.slack
      .post(incident.card.channel, message, incident.card.ts, { broadcast: true })
      .catch((error) => this.d.logger.warn({ err: String(error) }, 'state change not broadcast'));
  }

  /**
   * The outage is said once, when first seen (the card's banner carries Skip and Retry from
   * then on); a Retry that finds it still down says so in one line.
   */
  async ask(incident: Incident, decision: Decision): Promise<Answer | undefined> {
    if (decision.kind === 'metrics-unavailable' && decision.firstSeen)
      await this.thread(incident, [
        metricsUnavailableMessage(incident.id, decision.datasource, decision.message),
      ]);
    else if (decision.kind === 'metrics-unavailable' && decision.retried)
      await this.thread(incident, [
        noticeMessage(
          `⚠️ Retried: datasource '${escapeMrkdwn(decision.datasource)}' is still unavailable (${escapeMrkdwn(decision.message)}).`,
        ),
      ]);
    return undefined;
  }

  async phaseEntered(incident: Incident, runbook: Runbook, phase: Phase) {
    const steps = incident.steps.filter((s) => s.phase === phase);
    await this.thread(incident, phaseIntroMessages(runbook, phase, steps, incident.inputs));
  }

  async stepIntroduced() {}

  async stepStarted(incident: Incident) {
    this.redraw(incident);
  }

  /** Redraws are coalesced per incident (CardUpdater): a burst of changes costs one chat.update. */
  private redraw(incident: Incident) {
    this.d.track(this.d.cards.refresh(incident.id, incident));
  }

  /** Checks run together are said together: one thread message when the batch ends (issue 27). */
  batchStarted(incident: Incident) {
    const batch = this.batches.get(incident.id) ?? { open: 0, results: [] };
    batch.open += 1;
    this.batches.set(incident.id, batch);
  }

  async batchFinished(incident: Incident) {
    const batch = this.batches.get(incident.id);
    if (!batch) return;
    batch.open -= 1;
    if (batch.open > 0) return;
    this.batches.delete(incident.id);
    await this.checkResults(incident, batch.results);
  }

  /** The batch's message, then each check's chart (verification's end: `heading`, no charts, as before). */
  private async checkResults(incident: Incident, results: readonly CheckResult[], heading?: string) {
    if (results.length === 0) return;
    await this.thread(incident, checkBatchMessages(results, heading));
    if (heading) return;
    for (const r of results) if ('evaluation' in r) await this.checkChart(incident, r.step, r.evaluation);
  }

  private checkResult(incident: Incident, step: StepState, evaluation: CheckEvaluation): CheckResult {
    return { step, evaluation, check: findCheck(this.d.runbookOf(incident), step.id) };
  }

  async stepSucceeded(incident: Incident, step: StepState, output: StepOutput | undefined) {
    if (output?.kind === 'check') {
      const result = this.checkResult(incident, step, output.evaluation);
      const batch = this.batches.get(incident.id);
      if (batch) batch.results.push(result);
      else await this.checkResults(incident, [result]);
    } else if (output?.kind === 'query') {
      await this.thread(incident, queryMessages(step, output.result as Parameters<typeof queryMessages>[1]));
    } else if (output?.kind === 'simulate') {
      const { results } = output.output;
      const table = (output.output.summary as { table?: string }).table ?? '';
      const modelOnly = results.some((r) => r.result.fidelity === 'model only');
      const summary = {
        verdict: simulationVerdict(results, output.output.context),
        compact: compactComparison(results),
        note: simulationNote(
          results,
          (output.output.summary as { note?: string }).note,
          output.output.context,
        ),
      };
      const codeTable = simulationMessages(step, table, modelOnly, summary);
      if (incident.card && this.d.native)
        await this.d.native.postAll(
          incident.card.channel,
          incident.card.ts,
          simulationMessages(step, table, modelOnly, { ...summary, table: comparisonTableBlock(results) }),
          codeTable,
        );
      else await this.thread(incident, codeTable);
      if (incident.card) await uploadTable(this.d, incident.card.channel, incident.card.ts, step, table);
      if (incident.card) await this.simulationChart(incident.card, step, results, output.output.context);
    } else if (output?.kind === 'diagnose') {
      await this.thread(incident, diagnoseMessages(step, output.result));
    } else if (output?.kind === 'action') {
      await this.thread(
        incident,
        actionCallMessages(step, output.call as Parameters<typeof actionCallMessages>[1]),
      );
    }
    this.redraw(incident);
  }

  async stepFailed(incident: Incident, step: StepState, message: string, output?: StepOutput) {
    const batch = this.batches.get(incident.id);
    if (batch && step.kind === 'check' && output?.kind !== 'action') {
      batch.results.push({ step, failed: message });
      this.redraw(incident);
      return;
    }
    await this.thread(
      incident,
      output?.kind === 'action'
        ? actionCallMessages(step, output.call as Parameters<typeof actionCallMessages>[1])
        : [failureMessage(step, message)],
    );
    this.redraw(incident);
  }

  /** Said in the question itself (ask), so the thread holds one message, not two. */
  async metricsUnavailable() {}

  async metricStepsSkipped(
    incident: Incident,
    steps: readonly StepState[],
    datasource: string,
    message: string,
  ) {
    await this.thread(incident, [metricStepsSkippedMessage(steps, datasource, message)]);
  }

  async verificationStarted(incident: Incident, t: VerificationTiming) {
    const ts = await this.thread(incident, [
      noticeMessage(
        `⏳ Verifying: the checks must hold for ${formatSpan(t.stableForMs)} (deadline ${formatSpan(t.deadlineMs)}, every ${formatSpan(t.intervalMs)}).`,
      ),
    ]);
    if (ts) this.progress.set(incident.id, ts);
  }

  verificationRound(incident: Incident, round: StableRound, t: VerificationTiming) {
    const ts = this.progress.get(incident.id);
    if (!ts || !incident.card) return;
    void this.d.slack
      .update(
        incident.card.channel,
        ts,
        noticeMessage(
          `⏳ Verifying: ${round.passing ? `holding for ${formatSpan(round.heldMs)} of ${formatSpan(t.stableForMs)}` : 'not holding yet'} (last check ${slackDate(round.at, '{time_secs}')}).`,
        ),
      )
      .catch(() => {});
  }

  async verificationFinished(
    incident: Incident,
    outcome: StableOutcome,
    steps: readonly { step: StepState; evaluation: CheckEvaluation | undefined }[],
    t: VerificationTiming,
  ) {
    this.progress.delete(incident.id);
    const verdict =
      outcome.verdict === 'stable'
        ? `✅ *Verification passed*: stable for ${formatSpan(outcome.heldMs)} after ${outcome.rounds.length} check(s). Mark the incident resolved when you agree.`
        : `❌ *Verification deadline passed*: the checks held for only ${formatSpan(outcome.heldMs)} of ${formatSpan(t.stableForMs)}${incident.status === 'open' ? '; the incident is open again' : ''}. Go back to containment, then click Run on a verification check to try again.`;
    const results = steps.flatMap(({ step, evaluation }) =>
      evaluation ? [this.checkResult(incident, step, evaluation)] : [],
    );
    // The verdict and the figures it rests on: one message.
    if (results.length > 0) await this.checkResults(incident, results, verdict);
    else await this.thread(incident, [noticeMessage(verdict)]);
  }

  async approved(incident: Incident, step: StepState, by: Person, as?: IncidentRole) {
    const role = as ? ` as the ${ROLE_LABEL[as]}` : '';
    await this.thread(incident, [
      noticeMessage(
        `🛡️ <@${by.id}> approved *${escapeMrkdwn(step.title)}*${role} (${step.risk ?? 'unknown'} risk).`,
      ),
    ]);
  }

  /** In the background: the broadcast waits for its channel's pace; a relapse's webhook must not. */
  async statusChanged(incident: Incident, by: Person) {
    const shown = this.broadcast(incident, { kind: 'status', status: incident.status }, by.id);
    this.d.track(shown.then(() => this.d.placeChanged?.(incident)));
  }

  async verifiedByHand(incident: Incident, by: Person) {
    const manual = incident.verifiedByHand;
    if (manual) await this.broadcast(incident, { kind: 'verified-by-hand', note: manual.note }, by.id);
  }

  async datasourceRecovered(incident: Incident, datasource: string) {
    await this.thread(incident, [
      noticeMessage(
        `✅ Datasource '${escapeMrkdwn(datasource)}' answers again: the card offers to run the checks skipped while it was down.`,
      ),
    ]);
    this.redraw(incident);
  }

  async followUpsCreated(incident: Incident) {
    await this.thread(incident, [
      followUpListMessage(
        incident.followUps.map((item) => ({ incident, item })),
        this.d.clock.now(),
        'Follow-ups (reminders scheduled)',
      ),
    ]);
  }

  async conditionsDecided(incident: Incident, phase: Phase, decisions: readonly ConditionDecision[]) {
    await this.thread(incident, [conditionsMessage(phase, decisions)]);
    this.redraw(incident);
  }

  async stepOutcome() {}

  async stopped() {}

  async changed(incident: Incident) {
    this.redraw(incident);
    if (incident.channel && this.d.placeShown) this.d.track(this.d.placeShown(incident));
  }

  /** The decision chart: native bar charts when usable (more than one variant), else the PNG. */
  private async simulationChart(
    at: { channel: string; ts: string },
    step: StepState,
    results: Parameters<typeof simulationChartSpec>[0],
    context: Parameters<typeof simulationChartSpec>[2],
  ) {
    const png = {
      filename: `${step.id}.png`,
      title: simulationChartTitle(results, step.title),
      spec: simulationChartSpec(results, step.title, context),
    };
    if (this.d.native)
      await this.d.native.chart(
        at,
        results.length > 1 ? decisionChartBlocks(results, step.title, context) : [],
        png,
      );
    else await uploadChart(this.d, at, png.filename, png.title, png.spec);
  }

  private async checkChart(incident: Incident, step: StepState, evaluation: CheckEvaluation) {
    const check = findCheck(this.d.runbookOf(incident), step.id);
    if (!check || !this.d.metrics || !this.d.chart || !incident.card) return;
    const end = this.d.clock.now();
    // The incident window: from shortly before it opened to now.
    const start = new Date(Date.parse(incident.openedAt) - WINDOW_LEAD_MS);
    // A fleet incident's check: the worst service's chart, titled so; none when no service is bad.
    const fleet = evaluation.fleet;
    if (fleet && !fleet.worst) return;
    const title = fleet?.worst
      ? `${step.title}: ${fleet.worst.service}, the worst of ${fleet.queried} services`
      : step.title;
    try {
      const series = await this.d.metrics.range(
        evaluation.datasource,
        renderQuery(check.query, fleet?.worst?.inputs ?? incident.inputs),
        start,
        end,
        15,
      );
      if (series.length === 0) return;
      const spec = rangeChartSpec(series, {
        title,
        threshold: check.threshold,
        operator: check.operator,
        stepSeconds: 15,
        unit: check.unit,
        marker: { at: Date.parse(incident.openedAt), label: 'opened' },
        timeZone: this.d.teamTimeZone,
      });
      const native = rangeChartBlock(series, {
        title,
        threshold: check.threshold,
        yLabel: unitTitle(check.unit),
        timeZone: this.d.teamTimeZone,
      });
      if (this.d.native)
        await this.d.native.chart(incident.card, native ? [native] : [], {
          filename: `${step.id}.png`,
          title,
          spec,
        });
      else await uploadChart(this.d, incident.card, `${step.id}.png`, title, spec);
    } catch (error) {
      this.d.logger.warn({ step: step.id, err: String(error) }, 'check chart skipped');
      // Data no chart can show (1970 timestamps, 1e308 values, one moment): say so where the chart would be.
      if (isGcIncidentError(error) && error.code === 'CHART_NOT_DRAWN')
        await this.thread(incident, [
          {
            text: error.message,
            blocks: [context(`📉 ${escapeMrkdwn(step.title)}: ${escapeMrkdwn(error.message)}`)],
          },
        ]).catch(() => {});
    }
  }
}
