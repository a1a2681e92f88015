/** What a `/gc-incident` subcommand handler is given, and the incident it is about. */
import type { RespondFn } from '@slack/bolt';
import type { Incident } from '../../../core/incident/model.js';
import type { SlashRequest } from '../../command-parser.js';
import type { SlackUser } from '../../flow/deps.js';
import type { AppServices } from '../../services.js';

export interface SlashContext {
  readonly services: AppServices;
  readonly user: SlackUser;
  readonly channel: string;
  readonly triggerId: string;
  readonly respond: RespondFn;
}

/** A subcommand's handler, given the request parsed for it. */
export type SlashHandler<K extends SlashRequest['kind']> = (
  request: Extract<SlashRequest, { kind: K }>,
  ctx: SlashContext,
) => Promise<void>;

/** The named incident, else the open one whose card is in this channel. */
export async function incidentFor(ctx: SlashContext, id: string | undefined): Promise<Incident> {
  const { services, channel } = ctx;
  if (id) return services.service.get(id);
  const incident = await services.flow.incidentForChannel(channel);
  if (!incident) {
    throw Object.assign(new Error('no incident here'), {
      explanation:
        'No open incident has its card in this channel; name one, such as `/gc-incident status GC-2026-0001` (see `/gc-incident list`).',
    });
  }
  return incident;
}

/** The key a subcommand's change is recorded under: a retried command replays it. */
export function commandKey(ctx: SlashContext): string {
  return `slack:cmd:${ctx.triggerId}`;
}
