/**
 * `/gc-incident`: the text is parsed before the ack, so help and usage errors go back with
 * the ack itself (fastest, no extra call); every other subcommand acks, then runs its handler
 * (one file each, in slash/). A refusal is an ephemeral message, with the help when the
 * command itself was wrong.
 */
import type { App } from '@slack/bolt';
import { isGcIncidentError } from '../../core/errors.js';
import type { SlackMessage } from '../blocks/common.js';
import { helpMessage } from '../blocks/replies.js';
import { parseSlashText, type SlashRequest } from '../command-parser.js';
import { describeError } from '../error-text.js';
import { escapeMrkdwn } from '../escape-mrkdwn.js';
import { ephemeral, refusal, reply, sectionMessage } from '../respond.js';
import type { AppServices } from '../services.js';
import { SLASH_HANDLERS } from './slash/handlers.js';
import { checkScope } from './slash/scope.js';

export const SLASH_COMMAND = '/gc-incident';

export function registerSlashCommand(app: App, services: AppServices): void {
  const { logger, appMetrics } = services;
  app.command(SLASH_COMMAND, async ({ ack, command, respond, context }) => {
    const request = parseSlashText(command.text ?? '');
    if (request.kind === 'invalid' || request.kind === 'help') {
      await ack(
        ephemeral(helpMessage(request.kind === 'invalid' ? escapeMrkdwn(request.problem) : undefined)),
      );
      appMetrics.commands.inc({ command: request.kind, outcome: request.kind === 'help' ? 'ok' : 'invalid' });
      return;
    }
    await ack();
    if (context.retryNum)
      logger.info(
        { retryNum: context.retryNum, reason: context.retryReason },
        'Slack retried a slash command',
      );
    try {
      const handle = SLASH_HANDLERS[request.kind] as (r: typeof request, c: unknown) => Promise<void>;
      const ctx = {
        services,
        user: { id: command.user_id },
        channel: command.channel_id,
        triggerId: command.trigger_id,
        respond,
      };
      // Changes only from the incident's own channel; a read from elsewhere says where it lives.
      const elsewhere = await checkScope(request, ctx);
      if (elsewhere) await reply(respond, sectionMessage(elsewhere, `📍 ${elsewhere}`)).catch(() => {});
      await handle(request, ctx);
      appMetrics.commands.inc({ command: request.kind, outcome: 'ok' });
    } catch (error) {
      appMetrics.commands.inc({
        command: request.kind,
        outcome: isGcIncidentError(error) ? error.code : 'error',
      });
      logger.warn({ command: request.kind, err: describeError(error) }, 'slash command refused');
      await reply(respond, helpMessageFor(error, request)).catch(() => {});
    }
  });
}

function helpMessageFor(error: unknown, request: SlashRequest): SlackMessage {
  if (
    isGcIncidentError(error) &&
    (error.code === 'RUNBOOK_NOT_FOUND' || error.code === 'INPUT_INVALID' || error.code === 'USAGE')
  ) {
    return helpMessage(escapeMrkdwn(`${request.kind}: ${error.message}`));
  }
  return refusal(error);
}
