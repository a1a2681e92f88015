/**
 * Modals: start an incident (from the slash command or the message shortcut)
 * and give a reason for skipping a step. private_metadata carries only ids and
 * the channel, within its 3000 characters.
 */
import type { InputBlock, ModalView, PlainTextOption } from '@slack/types';
import type { PostmortemNotes } from '../../core/incident/model.js';
import type { Runbook } from '../../core/runbook/types.js';
import { ACTION, stepValue, VIEW } from '../ids.js';
import { LIMITS, truncate } from '../limits.js';
import { type Blocks, context, section } from './common.js';

export interface StartModalState {
  readonly channel: string;
  /** The message the incident is started from (message shortcut); its permalink becomes the trigger. */
  readonly messageTs?: string | undefined;
}

function option(text: string, value: string): PlainTextOption {
  return {
    text: { type: 'plain_text', text: truncate(text, LIMITS.optionText) },
    value: value.slice(0, LIMITS.optionValue),
  };
}

export function textInput(
  blockId: string,
  label: string,
  options: {
    optional?: boolean;
    multiline?: boolean;
    initial?: string;
    hint?: string;
    placeholder?: string;
  } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: blockId.slice(0, LIMITS.blockId),
    optional: options.optional ?? false,
    label: { type: 'plain_text', text: truncate(label, LIMITS.inputLabel) },
    ...(options.hint
      ? { hint: { type: 'plain_text', text: truncate(options.hint, LIMITS.inputLabel) } }
      : {}),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      multiline: options.multiline ?? false,
      ...(options.initial ? { initial_value: options.initial } : {}),
      ...(options.placeholder
        ? { placeholder: { type: 'plain_text', text: truncate(options.placeholder, LIMITS.placeholder) } }
        : {}),
    },
  };
}

export function encodeStartState(state: StartModalState): string {
  return truncate(JSON.stringify(state), LIMITS.privateMetadata);
}

export function decodeStartState(metadata: string): StartModalState | undefined {
  try {
    const parsed = JSON.parse(metadata) as StartModalState;
    return typeof parsed.channel === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function startModal(
  runbooks: readonly Runbook[],
  state: StartModalState,
  selected?: Runbook,
): ModalView {
  const options = runbooks
    .slice(0, LIMITS.selectOptions)
    .map((r) => option(`${r.metadata.title}`, r.metadata.id));
  const initial = selected ? options.find((o) => o.value === selected.metadata.id) : undefined;
  const blocks: Blocks = [
    {
      type: 'input',
      block_id: 'runbook',
      dispatch_action: true,
      label: { type: 'plain_text', text: 'Runbook' },
      element: {
        type: 'static_select',
        action_id: ACTION.pickRunbook,
        placeholder: { type: 'plain_text', text: 'Which GC problem is this?' },
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
    },
  ];
  if (runbooks.length > LIMITS.selectOptions)
    blocks.push(
      context(
        `Showing ${LIMITS.selectOptions} of ${runbooks.length} runbooks; start others with \`/gc-incident start ID\`.`,
      ),
    );
  blocks.push(
    textInput('service', 'Service', {
      placeholder: 'checkout-api',
      ...(selected?.metadata.services[0] ? { initial: selected.metadata.services[0] } : {}),
    }),
  );
  blocks.push({
    type: 'input',
    block_id: 'severity',
    label: { type: 'plain_text', text: 'Severity' },
    element: {
      type: 'static_select',
      action_id: 'value',
      options: ['sev1', 'sev2', 'sev3', 'sev4'].map((s) => option(s.toUpperCase(), s)),
      initial_option: option(
        (selected?.metadata.severity ?? 'sev3').toUpperCase(),
        selected?.metadata.severity ?? 'sev3',
      ),
    },
  });
  blocks.push(
    textInput('summary', 'Summary', {
      optional: true,
      multiline: true,
      placeholder: 'What are people seeing?',
    }),
  );
  if (selected) {
    blocks.push(
      section(
        `*${truncate(selected.metadata.title, 200)}*\n${truncate(selected.metadata.summary.trim(), 2500)}`,
      ),
    );
    for (const input of selected.inputs ?? []) {
      if (blocks.length >= LIMITS.modalBlocks - 1) break;
      blocks.push(
        textInput(`input:${input.name}`, input.name, {
          optional: !(input.required ?? false) || input.default !== undefined,
          hint: `${input.description}${input.enum ? ` (one of ${input.enum.join(', ')})` : ''}`,
          ...(input.default !== undefined ? { initial: String(input.default) } : {}),
        }),
      );
    }
  }
  if (state.messageTs)
    blocks.push(context('The message you started from is linked on the incident card as its trigger.'));
  return {
    type: 'modal',
    callback_id: VIEW.start,
    private_metadata: encodeStartState(state),
    title: { type: 'plain_text', text: 'Start GC incident' },
    submit: { type: 'plain_text', text: 'Start' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: blocks.slice(0, LIMITS.modalBlocks),
  };
}

export function skipModal(incidentId: string, stepId: string, stepTitle: string): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.skip,
    private_metadata: stepValue(incidentId, stepId),
    title: { type: 'plain_text', text: 'Skip step' },
    submit: { type: 'plain_text', text: 'Skip' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(
        `Skipping *${truncate(stepTitle, 500)}* in ${incidentId}. The reason goes on the timeline and into the postmortem.`,
      ),
      textInput('reason', 'Why skip it?', { multiline: true }),
    ],
  };
}

/** Values from a submitted view, by block id (every text input uses action_id `value`). */
export function viewValues(state: {
  values: Record<
    string,
    Record<string, { value?: string | null; selected_option?: { value: string } | null }>
  >;
}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [blockId, actions] of Object.entries(state.values)) {
    for (const action of Object.values(actions)) {
      const v = action.selected_option?.value ?? action.value;
      if (typeof v === 'string' && v.trim() !== '') out[blockId] = v.trim();
    }
  }
  return out;
}

const LIST_FIELDS = ['contributingFactors', 'wentWell', 'wentWrong', 'lucky'] as const;

/** What only people can write in the postmortem; lists are one item per line. */
export function notesModal(incidentId: string, notes: PostmortemNotes): ModalView {
  const initial = (key: keyof PostmortemNotes) => {
    const v = notes[key];
    const text = Array.isArray(v) ? v.join('\n') : (v as string | undefined);
    return text ? { initial: text.slice(0, 3000) } : {};
  };
  return {
    type: 'modal',
    callback_id: VIEW.notes,
    private_metadata: incidentId,
    title: { type: 'plain_text', text: 'Postmortem notes' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Later' },
    blocks: [
      section(
        `What only people can write for *${incidentId}*. Empty fields stay as marked prompts in the export; you can come back with the card's *Postmortem notes* button.`,
      ),
      textInput('summary', 'Summary', { optional: true, multiline: true, ...initial('summary') }),
      textInput('impact', 'Impact (who, how, how long)', {
        optional: true,
        multiline: true,
        ...initial('impact'),
      }),
      textInput('rootCause', 'Root cause', { optional: true, multiline: true, ...initial('rootCause') }),
      textInput('contributingFactors', 'Contributing factors (one per line)', {
        optional: true,
        multiline: true,
        ...initial('contributingFactors'),
      }),
      textInput('wentWell', 'What went well (one per line)', {
        optional: true,
        multiline: true,
        ...initial('wentWell'),
      }),
      textInput('wentWrong', 'What went wrong (one per line)', {
        optional: true,
        multiline: true,
        ...initial('wentWrong'),
      }),
      textInput('lucky', 'Where we got lucky (one per line)', {
        optional: true,
        multiline: true,
        ...initial('lucky'),
      }),
    ],
  };
}

export function notesFromValues(values: Record<string, string>): PostmortemNotes {
  const out: Record<string, string | string[]> = {};
  for (const key of ['summary', 'impact', 'rootCause'] as const) if (values[key]) out[key] = values[key];
  for (const key of LIST_FIELDS) {
    const lines = (values[key] ?? '')
      .split('\n')
      .map((l) => l.replace(/^[-*•]\s*/, '').trim())
      .filter((l) => l !== '');
    if (lines.length > 0) out[key] = lines;
  }
  return out as PostmortemNotes;
}
