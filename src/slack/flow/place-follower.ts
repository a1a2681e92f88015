/**
 * An incident channel's topic and the one line announcing it follow every change they show
 * (severity, commander, status, alerts folded in), at most once per change: the text last
 * shown is remembered per incident, and nothing is sent when the new text is the same. Calls
 * for one incident run one after another on its newest state, so a burst of changes (a step
 * run, then alerts attached) costs one edit, and two edits never race each other.
 *
 * What was shown is remembered per process; a process that did not make the channel (after a
 * restart, another replica) reads the topic and the line back from Slack the first time it
 * follows the incident, so it too edits only what changed.
 */
import type { Logger } from 'pino';
import type { Incident } from '../../core/incident/model.js';
import type { SlackMessage } from '../blocks/common.js';
import { announcementMessage, channelTopic } from '../blocks/incident-channel.js';
import type { SlackGateway } from '../gateway.js';
import type { SlackWorkspace } from '../workspace.js';

/** Incidents whose topic and line are remembered; older ones are read back from Slack. */
const KEPT = 1000;

interface Shown {
  topic?: string | undefined;
  line?: string | undefined;
}

export class PlaceFollower {
  private readonly shown = new Map<string, Shown>();
  /** The newest state waiting to be shown (dropped once shown: the map does not grow). */
  private readonly newest = new Map<string, Incident>();
  /** The version last shown, so an older state arriving late is not shown over a newer one. */
  private readonly versions = new Map<string, number>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly d: {
      readonly workspace: SlackWorkspace | undefined;
      readonly slack: SlackGateway;
      readonly logger: Logger;
    },
  ) {}

  /** What the channel was made with (its topic, its line): the first change does not send them again. */
  seed(incidentId: string, topic: string | undefined, line: SlackMessage | undefined): void {
    this.shown.set(incidentId, { topic, line: line?.text });
  }

  /** The line as it was posted (after the channel was seeded): the next change compares with it. */
  seedLine(incidentId: string, line: SlackMessage): void {
    const shown = this.shown.get(incidentId);
    if (shown) shown.line = line.text;
  }

  /** Sends what changed of the topic and the line; never throws (a failure is logged, retried next change). */
  follow(incident: Incident): Promise<void> {
    if (!incident.channel || !this.d.workspace) return Promise.resolve();
    if (incident.version < (this.versions.get(incident.id) ?? 0)) return Promise.resolve();
    const known = this.newest.get(incident.id);
    if (!known || known.version <= incident.version) this.newest.set(incident.id, incident);
    const id = incident.id;
    // Never rejects: a queue that rejected once would skip every later change of this incident.
    const run = (this.queues.get(id) ?? Promise.resolve())
      .then(() => this.apply(id))
      .catch((error: unknown) =>
        this.d.logger.warn({ incident: id, err: String(error) }, 'incident channel not followed'),
      );
    this.queues.set(id, run);
    void run.finally(() => {
      if (this.queues.get(id) === run) this.queues.delete(id);
    });
    return run;
  }

  /**
   * At most KEPT incidents remembered (a long-running process sees many): the oldest is
   * forgotten, and read back from Slack if it changes again.
   */
  private forgetOldest(): void {
    while (this.shown.size > KEPT) {
      const oldest = this.shown.keys().next().value as string;
      this.shown.delete(oldest);
      this.versions.delete(oldest);
    }
  }

  private async apply(id: string): Promise<void> {
    const incident = this.newest.get(id);
    this.newest.delete(id);
    const place = incident?.channel;
    const workspace = this.d.workspace;
    if (!incident || !place || !workspace) return;
    this.versions.set(id, incident.version);
    const shown = this.shown.get(id) ?? (await this.readBack(place));
    this.shown.set(id, shown);
    this.forgetOldest();
    const log = (what: string) => (error: unknown) =>
      this.d.logger.warn({ incident: id, err: String(error) }, `incident channel: ${what} failed`);
    const topic = channelTopic(incident);
    if (shown.topic !== topic)
      await workspace.setTopic(place.id, topic).then(() => {
        shown.topic = topic;
      }, log('topic'));
    if (!place.announcement) return;
    // Its text says all its blocks show (announcementMessage), so the text is what is compared.
    const line = announcementMessage(incident, place.id);
    if (shown.line !== line.text)
      await this.d.slack.update(place.announcement.channel, place.announcement.ts, line).then(() => {
        shown.line = line.text;
      }, log('announcement'));
  }

  /** What Slack shows now; unknown parts (Slack could not say) are sent. */
  private async readBack(place: NonNullable<Incident['channel']>): Promise<Shown> {
    const workspace = this.d.workspace;
    if (!workspace) return {};
    const topic = await workspace.topicOf(place.id).catch(() => undefined);
    const at = place.announcement;
    const line = at ? await workspace.messageText(at.channel, at.ts).catch(() => undefined) : undefined;
    return { topic, line };
  }
}
