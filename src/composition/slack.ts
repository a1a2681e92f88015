/**
 * The Slack surface's narrator and incident driver, built from the flow's runtime (its
 * dependencies, card updater, native blocks, incident places and background tasks): the narrator
 * posts to the card and its thread, the driver gets Slack's capabilities (approvers and user
 * groups, @handles resolved once, reminders and their cancellation in the store, simulations in
 * the worker pool). The terminal's counterpart is ./terminal.ts; both drivers come from
 * buildDriver (./driver.ts).
 */
import type { IncidentDriver } from '../core/incident/driver/driver.js';
import type { Incident } from '../core/incident/model.js';
import { incidentChannelChanged } from '../slack/flow/incident-channel.js';
import type { FlowRuntime } from '../slack/flow/runtime.js';
import { simulateStep } from '../slack/flow/simulation.js';
import { SlackNarrator } from '../slack/narrator.js';
import { buildDriver } from './driver.js';

export function buildSlackDriver(rt: FlowRuntime): { narrator: SlackNarrator; driver: IncidentDriver } {
  const { deps } = rt;
  const runbookOf = (incident: Incident) => deps.runbooks.get(incident.runbookId);
  const narrator = new SlackNarrator({
    native: rt.native,
    placeChanged: (incident) => incidentChannelChanged(rt, incident),
    placeShown: (incident) => rt.places.follow(incident),
    teamTimeZone: deps.teamTimeZone,
    slack: deps.slack,
    cards: rt.cards,
    runbookOf: (incident) => runbookOf(incident).runbook,
    metrics: deps.metrics,
    chart: deps.chart,
    clock: deps.clock,
    logger: deps.logger,
    track: (work) => rt.tasks.track(work),
  });
  const driver = buildDriver({
    service: deps.service,
    runbookOf,
    narrator,
    decisions: narrator,
    caps: {
      metrics: deps.metrics,
      fleetCheckServices: deps.alertPolicy?.fleet?.checkServices,
      actions: deps.actions,
      approvers: deps.approvers,
      groupMembers: (group) => deps.slack.groupMembers(group),
      userIdOf: (handle) => rt.people.idOf(handle),
      reminders: (r) => deps.store.scheduleReminder(r),
      cancelReminders: (incidentId, itemId, now) => deps.store.cancelReminders(incidentId, itemId, now),
      simulate: (incident, step, python, observed) => simulateStep(rt, incident, step, python, observed),
    },
    clock: deps.clock,
    sleep: deps.sleep,
  });
  return { narrator, driver };
}
