/**
 * What happens in Slack when people work an incident: opening it with its
 * card, running steps after the ack (checks, queries, simulations, HTTP
 * actions), approvals, phases and status. Listeners stay thin and call this;
 * every change goes through the engine, so it lands on the timeline with the
 * Slack user id, and every slow part runs in the background with its outcome
 * posted to the card's thread.
 */
import type { Logger } from 'pino';
import { resolveStepWorkloads } from '../adapters/fit/step-workload.js';
import type { RunbookLibrary } from '../adapters/fs/runbook-library.js';
import type { HttpActionRunner } from '../adapters/http-actions/runner.js';
import type { WorkLeases } from '../adapters/leases/work-leases.js';
import type { AppMetrics } from '../adapters/observability/app-metrics.js';
import { type ExportFormat, exportPostmortem } from '../adapters/postmortem/export.js';
import { type LabelledResult, summarizeSimulation } from '../adapters/simulator/runbook-step.js';
import type { AlertGroupPlan } from '../core/alerts/alertmanager.js';
import { GcIncidentError, isGcIncidentError } from '../core/errors.js';
import { type FollowUpAdd, remindersFor, snoozedReminder } from '../core/followups/plan.js';
import type { IncidentCommand } from '../core/incident/commands.js';
import { IncidentDriver } from '../core/incident/driver/driver.js';
import {
  type Incident,
  type Phase,
  type PostmortemNotes,
  type StepState,
  stepOf,
} from '../core/incident/model.js';
import type { IncidentService } from '../core/incident/service.js';
import type { Clock, LeasedWork, MetricsClient, Store } from '../core/ports.js';
import type { SimulateStep } from '../core/runbook/types.js';
import { simulationChartSpec, simulationChartTitle } from '../core/simulator/chart-spec.js';
import type { SimulationResult } from '../core/simulator/simulate.js';
import type { ModelledPython, Workload } from '../core/simulator/workload.js';
import { escapeMrkdwn } from '../core/text/escape-mrkdwn.js';
import { formatComparison } from '../format/simulation.js';
import { compactComparison, simulationVerdict } from '../format/simulation-summary.js';
import { type CardLinks, cardContext } from './blocks/card-context.js';
import type { SlackMessage } from './blocks/common.js';
import { followUpLine } from './blocks/followups.js';
import { noticeMessage, progressMessage, simulationMessages } from './blocks/step-output.js';
import { CardUpdater } from './card-updater.js';
import { operatorOnly } from './error-text.js';
import type { SlackGateway } from './gateway.js';
import { SlackNarrator } from './narrator.js';
import { peopleOf, postmortemReaders } from './postmortem-readers.js';
import { uploadTable } from './thread.js';

export interface SlackUser {
  readonly id: string;
  readonly username?: string | undefined;
}

export interface FlowDeps {
  readonly service: IncidentService;
  readonly store: Store;
  readonly runbooks: RunbookLibrary;
  readonly slack: SlackGateway;
  readonly metrics?: MetricsClient | undefined;
  readonly actions?: HttpActionRunner | undefined;
  /** Runs one workload off the main event loop (a worker thread), reporting progress. */
  readonly simulate: (
    workload: Workload,
    onProgress: (fraction: number) => void,
  ) => Promise<SimulationResult>;
  /** Renders a Vega chart to PNG; without it, no charts are uploaded. */
  readonly chart?: ((spec: Record<string, unknown>) => Promise<Buffer>) | undefined;
  /** Renders a Vega chart to SVG, for postmortem pages (default: in-process). */
  readonly svg?: ((spec: Record<string, unknown>) => Promise<string>) | undefined;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly logger: Logger;
  readonly appMetrics: AppMetrics;
  /** SLACK_APPROVERS: users (U…) and user groups (S…) who may approve any high-risk action. */
  readonly approvers: readonly string[];
  /** Running steps are held under a lease, so a replica's death fails them instead of leaving them running. */
  readonly leases?: WorkLeases | undefined;
  /** RUNBOOK_BASE_URL and DASHBOARD_URL_TEMPLATE, for the card's links. */
  readonly cardLinks?: CardLinks | undefined;
  /** The team's time zone (DIGEST_TIMEZONE): postmortem times are shown in it. */
  readonly teamTimeZone?: string | undefined;
}

/** The lease kind of running steps (see interrupted()). */
export const STEPS_LEASE = 'steps';
/** The lease kind of an incident card being posted (see finishCard()). */
export const CARD_LEASE = 'card';

export interface StartRequest {
  readonly runbookId: string;
  readonly service?: string | undefined;
  readonly severity?: string | undefined;
  readonly summary?: string | undefined;
  readonly inputs: Readonly<Record<string, string>>;
  readonly channel: string;
  readonly user: SlackUser;
  readonly trigger?: string | undefined;
  readonly idempotencyKey: string;
}

/** The actor Alertmanager's notifications are recorded as. */
export const ALERTMANAGER = 'alertmanager';

/** Progress messages are edited at most this often (chat.update is a Tier 3 method). */
const PROGRESS_EVERY_MS = 1500;

export class IncidentFlow {
  private readonly tasks = new Set<Promise<void>>();
  readonly cards: CardUpdater;

  readonly driver: IncidentDriver;
  private readonly narrator: SlackNarrator;

  constructor(private readonly deps: FlowDeps) {
    this.cards = new CardUpdater(
      deps.store,
      deps.slack,
      deps.logger,
      (incident) => this.runnableActions(incident),
      (incident) =>
        cardContext(incident, deps.runbooks.find(incident.runbookId), deps.cardLinks ?? {}, deps.clock.now()),
    );
    const slackSide = new SlackNarrator({
      teamTimeZone: deps.teamTimeZone,
      slack: deps.slack,
      cards: this.cards,
      runbookOf: (incident) => this.runbookOf(incident).runbook,
      metrics: deps.metrics,
      chart: deps.chart,
      clock: deps.clock,
      logger: deps.logger,
      track: (work) => this.track(work),
    });
    this.narrator = slackSide;
    this.driver = new IncidentDriver({
      service: deps.service,
      runbookOf: (incident) => this.runbookOf(incident),
      narrator: slackSide,
      decisions: slackSide,
      caps: {
        metrics: deps.metrics,
        actions: deps.actions,
        approvers: deps.approvers,
        groupMembers: (group) => deps.slack.groupMembers(group),
        reminders: (r) => deps.store.scheduleReminder(r),
        simulate: (incident, step, python) => this.simulateStep(incident, step, python),
      },
      clock: deps.clock,
      sleep: deps.sleep,
    });
  }

  /** Resolves when no background work is left (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /** Work that outlives the request it came from (a listener after its ack); idle() waits for it. */
  track(work: Promise<unknown>): void {
    const task: Promise<void> = work.then(
      () => {},
      () => {},
    );
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  private background(label: string, work: () => Promise<void>, leaseKey?: string): void {
    const task = work()
      .catch((error) =>
        this.deps.logger.error(
          { task: label, err: describeError(error) },
          `background task failed: ${label}`,
        ),
      )
      .finally(() => this.releaseLease(leaseKey))
      .finally(() => this.tasks.delete(task));
    this.tasks.add(task);
  }

  /**
   * Holds steps about to run under this process's lease, before they are marked running: if the
   * process dies while they run, another replica finds the lease expired and fails them as
   * interrupted (interrupted()) instead of leaving them running for ever.
   */
  private async holdSteps(
    incidentId: string,
    stepIds: readonly string[],
    user: SlackUser,
  ): Promise<string | undefined> {
    const leases = this.deps.leases;
    if (!leases) return undefined;
    const key = leases.newKey(`steps:${incidentId}`);
    await leases.hold({
      key,
      kind: STEPS_LEASE,
      body: JSON.stringify({ incidentId, stepIds, actor: user.id }),
    });
    return key;
  }

  private async releaseLease(key: string | undefined): Promise<void> {
    if (!key) return;
    await this.deps.leases
      ?.release(key)
      .catch((error) =>
        this.deps.logger.warn({ key, err: describeError(error) }, 'lease not released; it expires'),
      );
  }

  /** Steps whose process died while running them: failed with the reason, so people can run them again. */
  async interrupted(work: LeasedWork): Promise<void> {
    const { incidentId, stepIds } = JSON.parse(work.body) as { incidentId: string; stepIds: string[] };
    const incident = await this.deps.store.load(incidentId);
    const stuck = incident?.steps.filter((s) => stepIds.includes(s.id) && s.status === 'running') ?? [];
    if (!incident || stuck.length === 0) return;
    for (const step of stuck) {
      await this.exec(incidentId, {
        type: 'fail-step',
        stepId: step.id,
        actor: 'system',
        error: 'interrupted: the gc-incident process running it stopped',
        idempotencyKey: `${work.key}:${step.id}`,
      });
    }
    await this.thread(incident, [
      noticeMessage(
        `⚠️ ${stuck.map((s) => `*${s.title}*`).join(', ')} interrupted: the gc-incident process running ${stuck.length > 1 ? 'them' : 'it'} stopped. Click Run to run ${stuck.length > 1 ? 'them' : 'it'} again.`,
      ),
    ]).catch(() => {});
    await this.cards.refresh(incidentId);
  }

  private exec(incidentId: string, command: IncidentCommand) {
    return this.deps.service.execute(incidentId, command);
  }

  private runnableActions(incident: Incident): ReadonlySet<string> {
    const runbook = this.deps.runbooks.find(incident.runbookId)?.runbook;
    if (!runbook || !this.deps.actions) return new Set();
    return new Set(
      runbook.containment.actions.filter((a) => a.kind === 'http' && a.httpAction).map((a) => a.id),
    );
  }

  private runbookOf(incident: Incident) {
    return this.deps.runbooks.get(incident.runbookId);
  }

  private async thread(incident: Incident, messages: readonly SlackMessage[]): Promise<string | undefined> {
    if (!incident.card) return undefined;
    let first: string | undefined;
    for (const message of messages) {
      const { ts } = await this.deps.slack.post(incident.card.channel, message, incident.card.ts);
      first ??= ts;
    }
    return first;
  }

  /** The open incident whose card is in this channel, latest first. */
  async incidentForChannel(channel: string): Promise<Incident | undefined> {
    const incidents = await this.deps.store.list({ limit: 200 });
    return incidents.find((i) => i.card?.channel === channel && i.status !== 'closed');
  }

  async start(request: StartRequest): Promise<Incident> {
    const entry = this.deps.runbooks.get(request.runbookId);
    const outcome = await this.driver.open({
      runbook: entry.runbook,
      runbookVersion: entry.version,
      service: request.service,
      inputs: request.inputs,
      severity: request.severity as Incident['severity'] | undefined,
      commander: request.user.id,
      trigger: request.trigger,
      idempotencyKey: request.idempotencyKey,
    });
    let incident = outcome.incident;
    // A retried request whose first attempt already posted the card changes nothing.
    if (outcome.replayed && incident.card) return incident;
    // One process posts the card: a retry arriving while the first attempt still posts leaves it be.
    const lease = await this.holdCard(incident.id, request.channel, request.user);
    if (lease === false) return incident;
    try {
      // Opened by an earlier attempt (a retry, a replayed request): that attempt may have posted.
      incident = await this.postCard(incident.id, request.channel, outcome.replayed);
      if (request.summary?.trim()) {
        incident = (
          await this.exec(incident.id, {
            type: 'add-note',
            text: `Summary: ${request.summary.trim()}`,
            actor: request.user.id,
            idempotencyKey: `${request.idempotencyKey}:summary`,
          })
        ).incident;
      }
    } finally {
      await this.releaseLease(lease);
    }
    const opened = incident;
    this.background(`${opened.id} detection`, () => this.enterPhase(opened.id, 'detection', request.user));
    return incident;
  }

  /** The lease on posting an incident's card; false when another process is posting it now. */
  private async holdCard(
    incidentId: string,
    channel: string,
    user: SlackUser,
  ): Promise<string | undefined | false> {
    const leases = this.deps.leases;
    if (!leases) return undefined;
    const key = `card:${incidentId}`;
    const held = await leases.hold({
      key,
      kind: CARD_LEASE,
      body: JSON.stringify({ incidentId, channel, user: user.id }),
    });
    return held ? key : false;
  }

  /** `lookup`: a process that died may have posted it before recording it (see PostOptions). */
  private async postCard(incidentId: string, channel: string, lookup: boolean): Promise<Incident> {
    const current = await this.deps.service.get(incidentId);
    if (current.card) return current;
    const posted = await this.deps.slack.post(channel, this.cards.render(current), undefined, {
      key: `card:${incidentId}`,
      lookup,
    });
    return (
      await this.exec(incidentId, {
        type: 'record-card',
        channel: posted.channel,
        ts: posted.ts,
        actor: 'system',
      })
    ).incident;
  }

  /** An incident whose process died while posting its card: posted now (unless it was recorded), detection started. */
  async finishCard(work: LeasedWork): Promise<void> {
    const { incidentId, channel, user } = JSON.parse(work.body) as {
      incidentId: string;
      channel: string;
      user: string;
    };
    const before = await this.deps.store.load(incidentId);
    if (!before || before.card) return;
    await this.postCard(incidentId, channel, true);
    this.background(`${incidentId} detection`, () => this.enterPhase(incidentId, 'detection', { id: user }));
  }

  /**
   * A firing alert group: opens the incident once per group, runbook and episode (a repeated
   * notification replays the first), in the runbook's channel or the configured default.
   */
  async startFromAlert(
    plan: AlertGroupPlan,
    fallbackChannel: string | undefined,
  ): Promise<{ incident: Incident; opened: boolean }> {
    const existing = await this.deps.store.findIdempotent(plan.key);
    if (existing) {
      const incident = await this.deps.service.get(existing.incidentId);
      // Without a card, the first attempt stopped between opening and posting: start() finishes it.
      if (incident.card) return { incident, opened: false };
    }
    const channel = plan.runbook.metadata.owner.slackChannel || fallbackChannel;
    if (!channel) {
      throw new GcIncidentError(
        'CONFIG_INVALID',
        `runbook ${plan.runbook.metadata.id} names no Slack channel and ALERTMANAGER_CHANNEL is not set`,
        {
          variable: 'ALERTMANAGER_CHANNEL',
        },
      );
    }
    const first = plan.alerts[0];
    const summary = first?.annotations.summary ?? first?.labels.alertname ?? 'alert';
    const incident = await this.start({
      runbookId: plan.runbook.metadata.id,
      service: plan.service,
      inputs: plan.inputs,
      channel,
      user: { id: ALERTMANAGER },
      trigger: `Alertmanager: ${summary}${first?.generatorURL ? ` (${first.generatorURL})` : ''}`,
      summary: plan.alerts.length > 1 ? `${plan.alerts.length} alerts in the group` : undefined,
      idempotencyKey: plan.key,
    });
    return { incident, opened: existing === undefined };
  }

  /** A resolved notification: noted on the timeline; past containment, verification starts. */
  async alertResolved(plan: AlertGroupPlan): Promise<Incident | undefined> {
    const existing = await this.deps.store.findIdempotent(plan.key);
    if (!existing) return undefined;
    const endsAt = plan.alerts
      .map((a) => a.endsAt)
      .sort()
      .at(-1);
    const noted = await this.exec(existing.incidentId, {
      type: 'add-note',
      text: `Alertmanager: ${plan.alerts[0]?.labels.alertname ?? 'the alert'} resolved at ${endsAt}`,
      actor: ALERTMANAGER,
      idempotencyKey: `${plan.key}:resolved`,
    });
    if (noted.replayed) return noted.incident;
    const incident = noted.incident;
    await this.thread(incident, [
      noticeMessage(`🔕 Alertmanager says the alert resolved at ${endsAt}.`),
    ]).catch(() => {});
    const user = { id: ALERTMANAGER };
    if (incident.phase === 'containment') {
      try {
        await this.exec(incident.id, {
          type: 'advance-phase',
          to: 'verification',
          actor: ALERTMANAGER,
          idempotencyKey: `${plan.key}:verify`,
        });
        await this.cards.refresh(incident.id);
        this.background(`${incident.id} verification`, () =>
          this.enterPhase(incident.id, 'verification', user),
        );
      } catch (error) {
        await this.thread(incident, [
          noticeMessage(`Verification not started: ${escapeMrkdwn(userMessage(error))}`),
        ]).catch(() => {});
      }
    } else if (incident.phase === 'verification') {
      await this.verify(incident.id, user, `${plan.key}:verify`).catch(() => {});
    }
    return incident;
  }

  /** A phase begins: the driver shows its guidance and runs what it runs by itself. */
  private async enterPhase(incidentId: string, phase: Phase, user: SlackUser): Promise<void> {
    const incident = await this.deps.service.get(incidentId);
    const held = openChecks(incident, phase);
    const lease = held.length > 0 ? await this.holdSteps(incidentId, held, user) : undefined;
    try {
      await this.driver.enterPhase(incident, phase, user);
    } finally {
      await this.releaseLease(lease);
    }
  }

  /** The runbook's follow-up items become tracked items with owners, due dates and reminders. */
  async createRunbookFollowUps(incidentId: string, user: SlackUser): Promise<void> {
    await this.driver.createFollowUps(await this.deps.service.get(incidentId), user);
  }

  async addFollowUp(
    incidentId: string,
    add: FollowUpAdd,
    user: SlackUser,
    idempotencyKey: string,
  ): Promise<string> {
    const now = this.deps.clock.now();
    const outcome = await this.exec(incidentId, {
      type: 'add-followup',
      title: add.title,
      owner: add.owner,
      dueAt: new Date(now.getTime() + add.dueMs).toISOString(),
      followUpType: add.type,
      actor: user.id,
      idempotencyKey,
    });
    const item = outcome.incident.followUps.at(-1);
    if (!item) throw new GcIncidentError('STEP_NOT_FOUND', 'the follow-up was not recorded');
    for (const r of remindersFor(outcome.incident, item, now)) await this.deps.store.scheduleReminder(r);
    if (!outcome.replayed)
      await this.thread(outcome.incident, [
        noticeMessage(`📌 Follow-up added by <@${user.id}>\n${followUpLine(outcome.incident, item, now)}`),
      ]).catch(() => {});
    return `${incidentId}/${item.id}`;
  }

  /** Done, won't do, snooze, reassign: the item changes on the timeline and its reminders follow. */
  async changeFollowUp(
    incidentId: string,
    itemId: string,
    change: { status?: 'done' | 'wont-do'; reason?: string; owner?: string; snoozeMs?: number },
    user: SlackUser,
    idempotencyKey: string,
  ): Promise<string> {
    const now = this.deps.clock.now();
    const outcome = await this.exec(incidentId, {
      type: 'update-followup',
      itemId,
      change: {
        ...(change.status ? { status: change.status } : {}),
        ...(change.reason ? { reason: change.reason } : {}),
        ...(change.owner ? { owner: change.owner } : {}),
        ...(change.snoozeMs ? { snoozedUntil: new Date(now.getTime() + change.snoozeMs).toISOString() } : {}),
      },
      actor: user.id,
      idempotencyKey,
    });
    const item = outcome.incident.followUps.find((f) => f.id === itemId);
    if (!item) throw new GcIncidentError('STEP_NOT_FOUND', `no follow-up ${itemId} in ${incidentId}`);
    if (outcome.replayed) return followUpLine(outcome.incident, item, now);
    await this.deps.store.cancelReminders(incidentId, itemId, now);
    if (item.status === 'open') {
      const reminders = change.snoozeMs
        ? [snoozedReminder(outcome.incident, item, now, change.snoozeMs)]
        : remindersFor(outcome.incident, item, now);
      for (const r of reminders) await this.deps.store.scheduleReminder(r);
    }
    await this.thread(outcome.incident, [
      noticeMessage(
        `📌 <@${user.id}>: ${followUpLine(outcome.incident, item, now)}${item.snoozedUntil && change.snoozeMs ? ' (snoozed for a day)' : ''}`,
      ),
    ]).catch(() => {});
    await this.cards.refresh(incidentId);
    return followUpLine(outcome.incident, item, now);
  }

  /** Run: the driver runs the step (a check, query, simulation, HTTP action or verification), held under a lease. */
  async runStep(
    incidentId: string,
    stepId: string,
    user: SlackUser,
    idempotencyKey: string | undefined,
  ): Promise<void> {
    const incident = await this.deps.service.get(incidentId);
    const step = requireStep(incident, stepId);
    const held =
      step.kind === 'check' && step.phase === 'verification'
        ? openChecks(incident, 'verification')
        : [stepId];
    const lease = await this.holdSteps(incidentId, held, user);
    try {
      await this.driver.runStep(incident, stepId, user, idempotencyKey);
    } finally {
      await this.releaseLease(lease);
    }
  }

  /** Verification, from an alert's resolved notification. */
  async verify(incidentId: string, user: SlackUser, idempotencyKey: string | undefined): Promise<void> {
    const incident = await this.deps.service.get(incidentId);
    const lease = await this.holdSteps(incidentId, openChecks(incident, 'verification'), user);
    try {
      await this.driver.verify(incident, user, idempotencyKey);
    } finally {
      await this.releaseLease(lease);
    }
  }

  async done(incidentId: string, stepId: string, user: SlackUser, idempotencyKey: string): Promise<void> {
    await this.driver.done(await this.deps.service.get(incidentId), stepId, user, idempotencyKey);
  }

  async skip(incidentId: string, stepId: string, user: SlackUser, reason: string, idempotencyKey: string) {
    await this.driver.skip(await this.deps.service.get(incidentId), stepId, user, reason, idempotencyKey);
  }

  async assign(incidentId: string, stepId: string, user: SlackUser, idempotencyKey: string): Promise<void> {
    await this.driver.assign(await this.deps.service.get(incidentId), stepId, user, idempotencyKey);
  }

  async approve(incidentId: string, stepId: string, user: SlackUser, idempotencyKey: string): Promise<void> {
    await this.driver.approve(await this.deps.service.get(incidentId), stepId, user, idempotencyKey);
  }

  /** Skip metric steps or Retry: the answer to "the datasource is unavailable". */
  async answerUnavailable(
    incidentId: string,
    choice: 'skip' | 'retry',
    datasource: string,
    user: SlackUser,
    idempotencyKey: string,
  ): Promise<void> {
    const incident = await this.deps.service.get(incidentId);
    const held = choice === 'retry' ? openChecks(incident, incident.phase) : [];
    const lease = held.length > 0 ? await this.holdSteps(incidentId, held, user) : undefined;
    try {
      await this.driver.answerUnavailable(incident, choice, datasource, user, idempotencyKey);
    } finally {
      await this.releaseLease(lease);
    }
  }

  async advance(incidentId: string, user: SlackUser, idempotencyKey: string): Promise<void> {
    const outcome = await this.driver.advance(await this.deps.service.get(incidentId), user, idempotencyKey);
    if (outcome.replayed || outcome.events.length === 0) return;
    const phase = outcome.incident.phase;
    await this.narrator.broadcast(outcome.incident, { kind: 'phase', phase }, user.id);
    this.background(`${incidentId} ${phase}`, () => this.enterPhase(incidentId, phase, user));
  }

  async setStatus(
    incidentId: string,
    status: Incident['status'],
    user: SlackUser,
    idempotencyKey: string,
  ): Promise<Incident> {
    const incident = await this.deps.service.get(incidentId);
    return (await this.driver.setStatus(incident, status, user, idempotencyKey)).incident;
  }

  /** The simulation port: variants in the worker, one progress message edited in the thread. */
  private async simulateStep(incident: Incident, step: SimulateStep, python: ModelledPython | undefined) {
    const { file, runbook } = this.runbookOf(incident);
    // A step with `workload: {fit: …}` is fitted to the incident's job (else its `ref`), said in `note`.
    const { variants, note } = await resolveStepWorkloads(step, file, {
      metrics: this.deps.metrics,
      inputs: incident.inputs,
      now: this.deps.clock.now(),
      python,
      datasource: runbook.datasource,
    });
    const results = await this.runVariants(
      step.title,
      variants,
      (message) => this.thread(incident, [message]),
      (ts, message) =>
        incident.card ? this.deps.slack.update(incident.card.channel, ts, message) : Promise.resolve(),
    );
    const table = note ? `${formatComparison(results)}\n${note}` : formatComparison(results);
    return { summary: { ...summarizeSimulation(results), table, ...(note ? { note } : {}) }, results };
  }

  /** Runs each variant in the worker, editing one progress message as it goes. */
  private async runVariants(
    title: string,
    variants: readonly { label: string; workload: Workload }[],
    post: (message: SlackMessage) => Promise<string | undefined>,
    edit: (ts: string, message: SlackMessage) => Promise<void>,
  ): Promise<LabelledResult[]> {
    const progressTs = await post(progressMessage(title, 0, `starting ${variants.length} run(s)`));
    let lastEdit = 0;
    const results: LabelledResult[] = [];
    try {
      for (const [i, { label, workload }] of variants.entries()) {
        const result = await this.deps.simulate(workload, (fraction) => {
          const now = Date.now();
          if (!progressTs || now - lastEdit < PROGRESS_EVERY_MS) return;
          lastEdit = now;
          void edit(
            progressTs,
            progressMessage(
              title,
              (i + fraction) / variants.length,
              `${label} (${i + 1}/${variants.length})`,
            ),
          ).catch(() => {});
        });
        results.push({ label, result });
      }
      this.deps.appMetrics.simulations.inc({ outcome: 'done' });
    } catch (error) {
      this.deps.appMetrics.simulations.inc({ outcome: 'failed' });
      throw error;
    }
    if (progressTs)
      await edit(progressTs, progressMessage(title, 1, `done: ${variants.length} run(s)`)).catch(() => {});
    return results;
  }

  private async uploadChart(
    channel: string,
    threadTs: string,
    filename: string,
    title: string,
    spec: Record<string, unknown>,
  ) {
    if (!this.deps.chart) return;
    try {
      await this.deps.slack.upload(channel, threadTs, {
        filename,
        title,
        content: await this.deps.chart(spec),
      });
    } catch (error) {
      this.deps.logger.warn({ filename, err: describeError(error) }, 'chart upload failed');
    }
  }

  async notePostmortem(
    incidentId: string,
    notes: PostmortemNotes,
    user: SlackUser,
    idempotencyKey: string,
  ): Promise<void> {
    const outcome = await this.exec(incidentId, {
      type: 'note-postmortem',
      notes,
      actor: user.id,
      idempotencyKey,
    });
    if (outcome.events.length > 0 && !outcome.replayed) {
      await this.thread(outcome.incident, [
        noticeMessage(`📝 <@${user.id}> updated the postmortem notes (${Object.keys(notes).join(', ')}).`),
      ]).catch(() => {});
    }
  }

  /** Builds the postmortem (simulations and charts in worker threads) and uploads it to the incident's thread. */
  async exportToSlack(incidentId: string, format: ExportFormat, fallbackChannel: string): Promise<string> {
    const incident = await this.deps.service.get(incidentId);
    const entry = this.deps.runbooks.find(incident.runbookId);
    const file = await exportPostmortem({
      store: this.deps.store,
      clock: this.deps.clock,
      incidentId,
      format,
      runbook: entry ? { runbook: entry.runbook, file: entry.file } : undefined,
      charts: format === 'html',
      simulate: (workload) => this.deps.simulate(workload, () => {}),
      renderSvg: this.deps.svg,
      readers: await postmortemReaders(
        this.deps.slack,
        peopleOf(incident, await this.deps.store.timeline(incidentId)),
        this.deps.teamTimeZone,
      ),
      metrics: this.deps.metrics,
    });
    const channel = incident.card?.channel ?? fallbackChannel;
    await this.deps.slack.upload(channel, incident.card?.ts, {
      filename: file.filename,
      title: `${incident.id} postmortem (${format})`,
      content: Buffer.from(file.content, 'utf8'),
    });
    return file.filename;
  }

  /** `/gc-incident simulate`: a message in the channel with progress, the table and chart in its thread. */
  async simulateAdhoc(
    channel: string,
    title: string,
    variants: readonly { label: string; workload: Workload }[],
  ): Promise<void> {
    const { ts } = await this.deps.slack.post(channel, progressMessage(title, 0, 'queued'));
    this.background(`simulate ${title}`, async () => {
      try {
        const results = await this.runVariants(
          title,
          variants,
          async (message) => {
            await this.deps.slack.update(channel, ts, message);
            return ts;
          },
          (t, message) => this.deps.slack.update(channel, t, message),
        );
        const table = formatComparison(results);
        const modelOnly = results.some((r) => r.result.fidelity === 'model only');
        for (const message of simulationMessages(
          { id: 'simulate', title, phase: 'triage', kind: 'simulate', optional: true, status: 'done' },
          table,
          modelOnly,
          { verdict: simulationVerdict(results), compact: compactComparison(results) },
        ))
          await this.deps.slack.post(channel, message, ts);
        await uploadTable(this.deps, channel, ts, { id: 'simulation', title }, table);
        await this.uploadChart(
          channel,
          ts,
          'simulation.png',
          simulationChartTitle(results, title),
          simulationChartSpec(results, title),
        );
      } catch (error) {
        await this.deps.slack.post(
          channel,
          noticeMessage(`❌ Simulation failed: ${escapeMrkdwn(userMessage(error))}`),
          ts,
        );
      }
    });
  }
}

function requireStep(incident: Incident, stepId: string): StepState {
  const step = stepOf(incident, stepId);
  if (!step)
    throw new GcIncidentError('STEP_NOT_FOUND', `incident ${incident.id} has no step '${stepId}'`, {
      stepId,
    });
  return step;
}

/** A phase's checks not done yet: what runs when the phase begins (held under a lease meanwhile). */
function openChecks(incident: Incident, phase: Phase): string[] {
  return incident.steps
    .filter(
      (s) => s.phase === phase && s.kind === 'check' && (s.status === 'pending' || s.status === 'failed'),
    )
    .map((s) => s.id);
}

/** A sentence for a person: coded errors and Slack errors carry one; anything else is "unexpected". */
export function userMessage(error: unknown): string {
  const replaced = operatorOnly(error);
  if (replaced) return replaced;
  if (isGcIncidentError(error)) return error.message;
  if (error && typeof error === 'object' && 'explanation' in error)
    return String((error as { explanation: string }).explanation);
  return 'something unexpected went wrong; the details are in the app’s log';
}

export function describeError(error: unknown): string {
  if (isGcIncidentError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
