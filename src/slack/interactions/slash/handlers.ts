/** Which handler answers each `/gc-incident` subcommand (help and usage errors are answered with the ack). */
import type { SlashRequest } from '../../command-parser.js';
import { handleRecordSlash } from '../roles.js';
import { closeIncident } from './close.js';
import type { SlashHandler } from './context.js';
import { exportPostmortem } from './export.js';
import { addFollowUp } from './followup-add.js';
import { changeFollowUp } from './followup-change.js';
import { listFollowUps } from './followup-list.js';
import { listIncidents } from './list.js';
import { openModal } from './open-modal.js';
import { listRunbooks } from './runbooks.js';
import { simulate } from './simulate.js';
import { splitService } from './split.js';
import { startIncident } from './start.js';
import { showStatus } from './status.js';

type Handled = Exclude<SlashRequest['kind'], 'invalid' | 'help'>;

export const SLASH_HANDLERS: { readonly [K in Handled]: SlashHandler<K> } = {
  modal: openModal,
  start: startIncident,
  runbooks: listRunbooks,
  list: listIncidents,
  status: showStatus,
  close: closeIncident,
  export: exportPostmortem,
  'followup-add': addFollowUp,
  'followup-list': listFollowUps,
  'followup-done': (request, ctx) => changeFollowUp(request, ctx),
  'followup-wontdo': (request, ctx) => changeFollowUp(request, ctx),
  simulate,
  role: handleRecordSlash,
  'unassign-role': handleRecordSlash,
  note: handleRecordSlash,
  severity: handleRecordSlash,
  split: splitService,
};
