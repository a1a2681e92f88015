/**
 * The incident flow: what happens in Slack when people work an incident. Listeners (one per
 * interaction, in ../interactions/) call it; each method is one line handing over to the
 * module that owns that concern. Every change goes through the driver and the engine, so it
 * lands on the timeline with the Slack user id; slow parts run in the background with their
 * outcome posted to the card's thread.
 */

import type { ExportFormat } from '../../adapters/postmortem/export.js';
import type { AlertGroupPlan } from '../../core/alerts/alertmanager.js';
import type { FollowUpAdd } from '../../core/followups/plan.js';
import type { IncidentDriver } from '../../core/incident/driver/driver.js';
import type { Incident, PostmortemNotes } from '../../core/incident/model.js';
import type { LeasedWork } from '../../core/ports.js';
import type { DecisionContext } from '../../core/simulator/rank.js';
import type { Workload } from '../../core/simulator/workload.js';
import type { CardUpdater } from '../card-updater.js';
import { alertResolved, splitFromFleet, startFromAlert } from './alerts.js';
import type { FlowDeps, SlackUser, StartRequest } from './deps.js';
import * as followUps from './followups.js';
import { interrupted } from './interrupted.js';
import { finishCard, start } from './open-incident.js';
import { exportToSlack, notePostmortem } from './postmortem.js';
import { FlowRuntime } from './runtime.js';
import { simulateAdhoc } from './simulation.js';
import * as steps from './steps.js';

export class IncidentFlow {
  private readonly rt: FlowRuntime;
  readonly cards: CardUpdater;
  readonly driver: IncidentDriver;

  constructor(deps: FlowDeps) {
    this.rt = new FlowRuntime(deps);
    this.cards = this.rt.cards;
    this.driver = this.rt.driver;
  }

  /** Resolves when no background work is left (tests, graceful shutdown). */
  idle(): Promise<void> {
    return this.rt.tasks.idle();
  }

  /** Work that outlives the request it came from (a listener after its ack); idle() waits for it. */
  track(work: Promise<unknown>): void {
    this.rt.tasks.track(work);
  }

  /** The open incident whose card is in this channel, latest first. */
  async incidentForChannel(channel: string): Promise<Incident | undefined> {
    const incidents = await this.rt.deps.store.list({ limit: 200 });
    return incidents.find((i) => i.card?.channel === channel && i.status !== 'closed');
  }

  // Opening, and work a stopped process left (see leases.ts).
  start = (request: StartRequest) => start(this.rt, request);
  finishCard = (work: LeasedWork) => finishCard(this.rt, work);
  interrupted = (work: LeasedWork) => interrupted(this.rt, work);
  startFromAlert = (
    plan: AlertGroupPlan,
    fallbackChannel: string | undefined,
    afterCard?: (incident: Incident) => Promise<void>,
  ) => startFromAlert(this.rt, plan, fallbackChannel, afterCard);
  alertResolved = (plan: AlertGroupPlan) => alertResolved(this.rt, plan);
  splitFromFleet = (fleetId: string, service: string, user: SlackUser) =>
    splitFromFleet(this.rt, fleetId, service, user);

  // Steps and phases.
  runStep = (incidentId: string, stepId: string, user: SlackUser, key: string | undefined) =>
    steps.runStep(this.rt, incidentId, stepId, user, key);
  verify = (incidentId: string, user: SlackUser, key: string | undefined) =>
    steps.verify(this.rt, incidentId, user, key);
  answerUnavailable = (
    incidentId: string,
    choice: 'skip' | 'retry' | 'rerun',
    datasource: string,
    user: SlackUser,
    key: string,
  ) => steps.answerUnavailable(this.rt, incidentId, choice, datasource, user, key);
  verifyByHand = (incidentId: string, note: string, user: SlackUser, key: string) =>
    steps.verifyByHand(this.rt, incidentId, note, user, key);
  advance = (incidentId: string, user: SlackUser, key: string) =>
    steps.advance(this.rt, incidentId, user, key);
  setStatus = (incidentId: string, status: Incident['status'], user: SlackUser, key: string) =>
    steps.setStatus(this.rt, incidentId, status, user, key);
  done = async (incidentId: string, stepId: string, user: SlackUser, key: string) => {
    await this.driver.done(await this.rt.deps.service.get(incidentId), stepId, user, key);
  };
  skip = async (incidentId: string, stepId: string, user: SlackUser, reason: string, key: string) => {
    await this.driver.skip(await this.rt.deps.service.get(incidentId), stepId, user, reason, key);
  };
  assign = async (incidentId: string, stepId: string, user: SlackUser, key: string) => {
    await this.driver.assign(await this.rt.deps.service.get(incidentId), stepId, user, key);
  };
  approve = async (incidentId: string, stepId: string, user: SlackUser, key: string) => {
    await this.driver.approve(await this.rt.deps.service.get(incidentId), stepId, user, key);
  };

  // Follow-ups.
  createRunbookFollowUps = (incidentId: string, user: SlackUser) =>
    followUps.createRunbookFollowUps(this.rt, incidentId, user);
  addFollowUp = (incidentId: string, add: FollowUpAdd, user: SlackUser, key: string) =>
    followUps.addFollowUp(this.rt, incidentId, add, user, key);
  changeFollowUp = (
    incidentId: string,
    itemId: string,
    change: followUps.FollowUpChange,
    user: SlackUser,
    key: string,
  ) => followUps.changeFollowUp(this.rt, incidentId, itemId, change, user, key);

  // Postmortem and simulations.
  notePostmortem = (incidentId: string, notes: PostmortemNotes, user: SlackUser, key: string) =>
    notePostmortem(this.rt, incidentId, notes, user, key);
  exportToSlack = (incidentId: string, format: ExportFormat, fallbackChannel: string) =>
    exportToSlack(this.rt, incidentId, format, fallbackChannel);
  simulateAdhoc = (
    channel: string,
    title: string,
    variants: readonly { label: string; workload: Workload }[],
    context: DecisionContext = {},
  ) => simulateAdhoc(this.rt, channel, title, variants, context);
}
