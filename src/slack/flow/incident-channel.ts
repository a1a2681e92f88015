/**
 * An incident's own channel (by severity, INCIDENT_CHANNEL_SEVERITIES): created before its card
 * is posted, with a topic kept current, bookmarks (runbook source, dashboard), the commander and
 * role holders invited, the card pinned, and one line in the channel it was opened from that
 * links to it and is edited on each state change. Archived a configured time after close
 * through the durable reminder rows (a restart or a replica does it, never a setTimeout).
 * Slack refusing the channel (name_taken, missing_scope, restricted_action, anything else)
 * leaves the incident a thread where it was opened, with one message saying why. The name is
 * recorded before the channel is made, so an attempt after a crash in between adopts the
 * channel this app made (name_taken, then conversations.list) instead of leaving it stray.
 */
import type { Incident } from '../../core/incident/model.js';
import { dashboardUrl, runbookSourceUrl } from '../blocks/card-context.js';
import {
  announcementMessage,
  channelFallbackText,
  channelName,
  channelTopic,
} from '../blocks/incident-channel.js';
import { noticeMessage } from '../blocks/step-output.js';
import { SlackApiError } from '../gateway.js';
import type { FlowRuntime } from './runtime.js';

/** The reminder row item that archives an incident's channel (follow-up ids are F1, F2, …). */
export const ARCHIVE_ITEM = 'archive-channel';

export interface Placement {
  /** Where the card goes: the new channel, or the channel the incident was opened from. */
  readonly channel: string;
  /** Set when a channel was wanted and Slack refused it: said once in the card's thread. */
  readonly notice?: string | undefined;
}

function wantsChannel(rt: FlowRuntime, incident: Incident): boolean {
  const config = rt.deps.incidentChannels;
  return Boolean(rt.deps.workspace && config?.severities.includes(incident.severity));
}

/** Creates the incident's channel when its severity asks for one; otherwise where it was opened. */
export async function placeIncident(
  rt: FlowRuntime,
  incident: Incident,
  openedIn: string,
): Promise<Placement> {
  if (incident.channel) {
    // A process that died after recording the channel may not have announced it yet.
    if (!incident.channel.announcement) announceLater(rt, incident, incident.channel.id, openedIn, true);
    return { channel: incident.channel.id };
  }
  const workspace = rt.deps.workspace;
  const config = rt.deps.incidentChannels;
  if (!workspace || !config || !wantsChannel(rt, incident)) return { channel: openedIn };
  // The name is recorded before Slack is asked: a retry after a crash in between finds the
  // channel the dead attempt made (name_taken, created by this app) and adopts it.
  const name = incident.intendedChannel?.name ?? channelName(config.nameTemplate, incident);
  if (!incident.intendedChannel) await rt.driver.intendChannel(incident.id, name);
  let channel: string;
  let adopted = false;
  try {
    channel = await workspace.createChannel(name);
  } catch (error) {
    const code = error instanceof SlackApiError ? error.error : 'unknown_error';
    const own =
      code === 'name_taken' ? await workspace.findOwnChannel(name).catch(() => undefined) : undefined;
    if (!own) {
      rt.deps.logger.warn(
        { incident: incident.id, name, error: code },
        'incident channel not created; a thread instead',
      );
      return { channel: openedIn, notice: channelFallbackText(code, name) };
    }
    rt.deps.logger.info({ incident: incident.id, name, channel: own }, 'incident channel adopted');
    channel = own;
    adopted = true;
  }
  // The channel exists from here on: what fails now is logged and the channel still used.
  const soft = async (what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      rt.deps.logger.warn(
        { incident: incident.id, channel, err: String(error) },
        `incident channel: ${what} failed`,
      );
    }
  };
  const topic = channelTopic(incident);
  let topicSet = false;
  await soft('topic', async () => {
    await workspace.setTopic(channel, topic);
    topicSet = true;
  });
  const people = [incident.commander, ...incident.participants, ...Object.values(incident.roles ?? {})];
  await soft('invite', () =>
    workspace.invite(
      channel,
      people.filter((p): p is string => Boolean(p)),
    ),
  );
  const links = rt.deps.cardLinks ?? {};
  // An adopted channel may have its bookmarks from the attempt that made it.
  const had = adopted ? await workspace.bookmarkTitles(channel).catch(() => []) : [];
  const runbook = runbookSourceUrl(links.runbookBaseUrl, rt.deps.runbooks.find(incident.runbookId)?.file);
  if (runbook && !had.includes('Runbook'))
    await soft('runbook bookmark', () => workspace.addBookmark(channel, 'Runbook', runbook));
  const dashboard = dashboardUrl(links.dashboardUrlTemplate, incident, rt.deps.clock.now());
  if (dashboard && !had.includes('Dashboard'))
    await soft('dashboard bookmark', () => workspace.addBookmark(channel, 'Dashboard', dashboard));
  // The channel is recorded (and the card posted in it) before the line is announced where it
  // was opened: that line waits for its channel's pace (post-queue.ts), the new channel does not.
  rt.places.seed(incident.id, topicSet ? topic : undefined, undefined);
  await rt.driver.recordChannel(incident.id, channel);
  announceLater(rt, incident, channel, openedIn, adopted);
  return { channel };
}

/**
 * The one line in the opened-from channel linking to the incident's channel, in the background.
 * Keyed, so a retry (a process that took over the card) queues the same post, not a second one;
 * `lookup`: the attempt that made an adopted channel may have announced it already.
 */
function announceLater(
  rt: FlowRuntime,
  incident: Incident,
  channel: string,
  openedIn: string,
  lookup: boolean,
) {
  rt.tasks.run('announce incident channel', async () => {
    const line = announcementMessage(incident, channel);
    let at: { channel: string; ts: string };
    try {
      at = await rt.deps.slack.post(openedIn, line, undefined, { key: `announce:${incident.id}`, lookup });
    } catch (error) {
      rt.deps.logger.warn({ incident: incident.id, err: String(error) }, 'incident channel not announced');
      return;
    }
    rt.places.seedLine(incident.id, line);
    const recorded = (await rt.driver.recordAnnouncement(incident.id, at)).incident;
    // What changed while the line waited for its turn (a status, a commander) is edited in.
    await rt.places.follow(recorded);
  });
}

/** After the card is posted: pinned in the incident's channel, or the fallback said in its thread. */
export async function settleCard(rt: FlowRuntime, incident: Incident, placement: Placement): Promise<void> {
  if (placement.notice) {
    await rt.thread(incident, [noticeMessage(placement.notice)]).catch(() => {});
    return;
  }
  const workspace = rt.deps.workspace;
  if (!workspace || !incident.card || incident.channel?.id !== incident.card.channel) return;
  await workspace
    .pin(incident.card.channel, incident.card.ts)
    .catch((error) => rt.deps.logger.warn({ incident: incident.id, err: String(error) }, 'card not pinned'));
}

/** On a status change: the topic and the line follow (as on every change, place-follower.ts); a close schedules the archive. */
export async function incidentChannelChanged(rt: FlowRuntime, incident: Incident): Promise<void> {
  if (!incident.channel || !rt.deps.workspace) return;
  const log = (what: string) => (error: unknown) =>
    rt.deps.logger.warn({ incident: incident.id, err: String(error) }, `incident channel: ${what} failed`);
  await rt.places.follow(incident);
  const after = rt.deps.incidentChannels?.archiveAfterMs;
  if (incident.status === 'closed' && after !== undefined) {
    const due = new Date(rt.deps.clock.now().getTime() + after);
    await rt.deps.store
      .scheduleReminder({
        // One row per close: reopening and closing again schedules a new one.
        id: `${incident.id}/${ARCHIVE_ITEM}/${incident.updatedAt}`,
        incidentId: incident.id,
        itemId: ARCHIVE_ITEM,
        owner: 'system',
        dueAt: due,
      })
      .catch(log('archive schedule'));
  }
}

/** What the reminder tick runs for an ARCHIVE_ITEM row: archive the channel if the incident is still closed. */
export function channelArchiver(deps: {
  store: { load(id: string): Promise<Incident | undefined> };
  workspace: { archive(channel: string): Promise<void> };
}): (incidentId: string) => Promise<void> {
  return async (incidentId) => {
    const incident = await deps.store.load(incidentId);
    // Reopened since: the channel stays; a later close schedules its own archive.
    if (incident?.status === 'closed' && incident.channel) await deps.workspace.archive(incident.channel.id);
  };
}
