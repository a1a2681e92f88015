/** `/gc-incident start RUNBOOK [service=…] [severity=…] [key=value…]`: opens the incident here. */
import { commandKey, type SlashHandler } from './context.js';

export const startIncident: SlashHandler<'start'> = async (request, ctx) => {
  await ctx.services.flow.start({
    runbookId: request.runbookId,
    service: request.service,
    severity: request.severity,
    inputs: request.inputs,
    channel: ctx.channel,
    user: ctx.user,
    idempotencyKey: commandKey(ctx),
  });
};
