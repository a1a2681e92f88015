/**
 * A click acts only on the incident its message belongs to. Slack sends the
 * channel and message a button was clicked on beside the button's value; the
 * incident the value names must live there: its card's channel (or its own
 * incident channel), and the card itself or a message in the card's thread.
 * Two exceptions, because those messages are not the incident's: follow-up
 * buttons also sit on the daily digest (one message for several incidents in
 * the card's channel) and in the owner's DM; a button on an ephemeral message
 * (an answer only its reader sees) has no message to compare, only its channel.
 *
 * Where an incident lives is remembered (it does not move); a click that does
 * not fit what is remembered reads the incident again before refusing.
 */
import type { Incident } from '../core/incident/model.js';

export interface ClickTarget {
  readonly incidentId: string;
  readonly channel: string;
  /** The clicked message and its thread, when Slack sent a (non-ephemeral) message. */
  readonly messageTs?: string | undefined;
  readonly threadTs?: string | undefined;
  /** A follow-up button: any message in the incident's channels, or a DM. */
  readonly followUp: boolean;
}

interface Home {
  readonly channels: readonly string[];
  readonly cardTs?: string | undefined;
  /** The incident's own channel: every message there is the incident's. */
  readonly own?: string | undefined;
}

/** How many incidents' homes are remembered. */
const KEPT = 2000;

function homeOf(incident: Incident): Home {
  return {
    channels: [incident.card?.channel, incident.channel?.id].filter((c): c is string => !!c),
    cardTs: incident.card?.ts,
    own: incident.channel?.id,
  };
}

/** Why the click does not belong to the incident (the sentence its clicker reads), or undefined. */
export function scopeProblem(home: Home, click: ClickTarget): string | undefined {
  // No card yet: nothing to compare; the listener answers as before.
  if (home.channels.length === 0) return undefined;
  const where = home.channels.map((c) => `<#${c}>`).join(' or ');
  if (click.followUp && click.channel.startsWith('D')) return undefined;
  if (!home.channels.includes(click.channel))
    return `🔒 This button acts on ${click.incidentId}, which lives in ${where}: use its card there. Nothing was changed.`;
  if (click.followUp || click.messageTs === undefined || click.channel === home.own) return undefined;
  if (home.cardTs === undefined || click.messageTs === home.cardTs || click.threadTs === home.cardTs)
    return undefined;
  return `🔒 This button names ${click.incidentId}, but the message it is on is not ${click.incidentId}'s card or thread: use its card in ${where}. Nothing was changed.`;
}

export class IncidentHomes {
  private readonly homes = new Map<string, Home>();

  constructor(private readonly load: (incidentId: string) => Promise<Incident | undefined>) {}

  /** Undefined when the click may act; otherwise the refusal. Reads the incident at most once. */
  async check(click: ClickTarget): Promise<string | undefined> {
    const known = this.homes.get(click.incidentId);
    // A home with no card yet passes every click: it is read again until the card exists.
    if (known && known.channels.length > 0 && scopeProblem(known, click) === undefined) return undefined;
    // Unknown, or not what was remembered (an incident channel created since): read it again.
    const incident = await this.load(click.incidentId);
    // No such incident: the listener says so as before.
    if (!incident) return undefined;
    const home = homeOf(incident);
    if (this.homes.size >= KEPT && !this.homes.has(click.incidentId))
      this.homes.delete(this.homes.keys().next().value as string);
    if (home.channels.length > 0) this.homes.set(click.incidentId, home);
    return scopeProblem(home, click);
  }
}
