/**
 * Roles, notes and pinned messages from Slack, through the driver (src/core/incident/driver/roles.ts):
 * the change goes on the timeline with the Slack user, the card is redrawn, and one line in the
 * incident's thread says what changed.
 */
import type { Incident } from '../core/incident/model.js';
import type { IncidentRole } from '../core/incident/roles.js';
import type { SlackMessage } from './blocks/common.js';
import { noteNotice, pinnedNotice, roleNotice, roleTakenBackNotice } from './blocks/roles.js';
import { noticeMessage } from './blocks/step-output.js';
import type { SlackUser } from './flow/deps.js';
import type { AppServices } from './services.js';
import { slackTextToPlain, tsToIso } from './slack-text.js';

/** The reaction that pins a message to the record. */
export const PIN_REACTION = 'pushpin';

async function thread(services: AppServices, incident: Incident, message: SlackMessage): Promise<void> {
  if (!incident.card) return;
  await services.slack
    .post(incident.card.channel, message, incident.card.ts)
    .catch((error) => services.logger.info({ err: String(error) }, 'could not post in the incident thread'));
}

export async function assignRoleFromSlack(
  services: AppServices,
  incidentId: string,
  role: IncidentRole,
  person: string,
  user: SlackUser,
  key: string,
): Promise<Incident> {
  const incident = await services.service.get(incidentId);
  // The driver records it, and moves the reminders of follow-ups that went with the role.
  const outcome = await services.flow.driver.assignRole(incident, role, person, user, key);
  const event = outcome.events.find((e) => e.type === 'role.assigned');
  if (event && !outcome.replayed) {
    const before = typeof event.data.before === 'string' ? event.data.before : null;
    await thread(services, outcome.incident, roleNotice(role, before, person, user.id));
  }
  return outcome.incident;
}

/** Takes a role back; undefined when nobody held it (nothing recorded). */
export async function unassignRoleFromSlack(
  services: AppServices,
  incidentId: string,
  role: IncidentRole,
  user: SlackUser,
  key: string,
): Promise<{ incident: Incident; before: string | undefined }> {
  const incident = await services.service.get(incidentId);
  const outcome = await services.flow.driver.unassignRole(incident, role, user, key);
  const event = outcome.events.find((e) => e.type === 'role.unassigned');
  const before = typeof event?.data.before === 'string' ? event.data.before : undefined;
  if (before && !outcome.replayed) {
    await thread(services, outcome.incident, roleTakenBackNotice(role, before, user.id));
  }
  return { incident: outcome.incident, before };
}

export async function noteFromSlack(
  services: AppServices,
  incidentId: string,
  text: string,
  user: SlackUser,
  key: string,
): Promise<Incident> {
  const incident = await services.service.get(incidentId);
  const outcome = await services.flow.driver.addNote(incident, text, user, key);
  if (outcome.events.length > 0 && !outcome.replayed)
    await thread(services, outcome.incident, noteNotice(text, user.id));
  return outcome.incident;
}

/** A severity raised or lowered; true when it changed (a line in the thread says so). */
export async function severityFromSlack(
  services: AppServices,
  incidentId: string,
  severity: Incident['severity'],
  user: SlackUser,
  key: string,
): Promise<boolean> {
  const incident = await services.service.get(incidentId);
  const outcome = await services.flow.driver.setSeverity(incident, severity, user, key);
  const changed = outcome.events.length > 0 && !outcome.replayed;
  if (changed)
    await thread(
      services,
      outcome.incident,
      noticeMessage(
        `🚦 <@${user.id}> set the severity to ${severity.toUpperCase()} (was ${incident.severity.toUpperCase()}).`,
      ),
    );
  return changed || (outcome.replayed && outcome.events.length > 0);
}

/**
 * A 📌 added to or removed from a message: pinned when the message is in an incident's thread
 * (or is its card); unpinned when nobody's 📌 is left on it. Other messages are left alone.
 */
export async function pinFromReaction(
  services: AppServices,
  channel: string,
  ts: string,
  user: SlackUser,
  key: string,
): Promise<void> {
  const message = await services.slack.reactedMessage(channel, ts);
  if (!message) return;
  const parent = message.threadTs ?? message.ts;
  const incidents = await services.store.list({ limit: 200 });
  const incident = incidents.find((i) => i.card?.channel === channel && i.card.ts === parent);
  if (!incident) return;
  const pinnedNow = (message.reactions[PIN_REACTION] ?? []).length > 0;
  const wasPinned = (incident.pinned ?? []).find((p) => p.channel === channel && p.ts === ts);
  if (pinnedNow && !wasPinned) {
    const outcome = await services.flow.driver.pin(incident, {
      type: 'pin-message',
      channel,
      ts,
      author: message.author,
      text: slackTextToPlain(message.text) || '(no text: a file or an attachment)',
      postedAt: tsToIso(message.ts),
      permalink: await services.slack.permalink(channel, ts),
      actor: user.id,
      idempotencyKey: key,
    });
    const pinned = outcome.incident.pinned?.find((p) => p.channel === channel && p.ts === ts);
    if (pinned && !outcome.replayed && outcome.events.length > 0)
      await thread(services, outcome.incident, pinnedNotice(pinned, true));
  } else if (!pinnedNow && wasPinned) {
    const outcome = await services.flow.driver.pin(incident, {
      type: 'unpin-message',
      channel,
      ts,
      actor: user.id,
      idempotencyKey: key,
    });
    if (!outcome.replayed && outcome.events.length > 0)
      await thread(services, outcome.incident, pinnedNotice(wasPinned, false));
  }
}
