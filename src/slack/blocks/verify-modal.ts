/**
 * Verified by hand: the modal that asks how (required; it goes on the timeline, the channel
 * and the postmortem as "verified by hand by <person>: <note>").
 */
import type { ModalView } from '@slack/types';
import { MANUAL_NOTE_MAX } from '../../core/incident/decide-evidence.js';
import type { Incident } from '../../core/incident/model.js';
import { verificationVerdict } from '../../core/incident/progress.js';
import { VIEW } from '../ids.js';
import { escapeMrkdwn } from '../limits.js';
import { section } from './common.js';
import { textInput } from './modals.js';
import { verdictText } from './next-action.js';

export function verifyByHandModal(incident: Incident): ModalView {
  const skipped = incident.steps.filter((s) => s.phase === 'verification' && s.status !== 'done');
  return {
    type: 'modal',
    callback_id: VIEW.verifyByHand,
    private_metadata: incident.id,
    title: { type: 'plain_text', text: 'Verified by hand' },
    submit: { type: 'plain_text', text: 'Record' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(
        `${verdictText(verificationVerdict(incident))}${skipped.length > 0 ? `: ${skipped.map((s) => `*${escapeMrkdwn(s.title)}*`).join(', ')} did not measure anything` : ''}. Say how you verified the fix; the postmortem shows it as *verified by hand* by you, with these words.`,
      ),
      textInput('note', 'How did you verify it?', {
        multiline: true,
        placeholder: 'checked in Grafana: p99 pause back to 4 ms for 15 min',
        hint: `Required, up to ${MANUAL_NOTE_MAX} characters.`,
      }),
    ],
  };
}
