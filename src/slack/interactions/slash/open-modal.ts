/** `/gc-incident` or `/gc-incident start` alone: the start modal, with every runbook. */
import { startModal } from '../../blocks/modals.js';
import type { SlashHandler } from './context.js';

export const openModal: SlashHandler<'modal'> = async (_request, { services, triggerId, channel }) =>
  services.slack.openView(triggerId, startModal(services.runbooks.list(), { channel }));
