/**
 * What a containment action sends, from its `whatIf`, so that the numbers a person reads (the
 * action's title and effect), the numbers the simulator tries and the numbers the HTTP action
 * sends are one value. An HTTP action's URL or body template writes `{{threshold0}}`,
 * `{{threshold1}}`, `{{threshold2}}` and the runbook action's `whatIf: threshold=…` fills them.
 *
 * `effectMismatch` is the other half: a title or effect that names thresholds (as
 * `set_threshold(50000, 20, 100)` or `threshold=50000,20,100`) other than the action's
 * `whatIf` would show one value and send another; `validate` reports it.
 */
/** The placeholders an action fills; a runbook input of the same name is shadowed by them. */
export const ACTION_PARAMETERS = ['threshold0', 'threshold1', 'threshold2'] as const;

/** `{threshold0, threshold1, threshold2}` from `whatIf: threshold=…`; empty for anything else. */
export function actionParameters(action: { readonly whatIf?: string | undefined }): Record<string, string> {
  const thresholds = thresholdsOf(action.whatIf);
  const out: Record<string, string> = {};
  thresholds?.forEach((value, i) => {
    out[`threshold${i}`] = String(value);
  });
  return out;
}

/** The incident's inputs with the action's parameters on top: what an HTTP action is called with. */
export function actionInputs(
  inputs: Readonly<Record<string, string>>,
  action: { readonly whatIf?: string | undefined },
): Record<string, string> {
  return { ...inputs, ...actionParameters(action) };
}

export interface EffectMismatch {
  /** Which text names the other values. */
  readonly field: 'title' | 'effect';
  /** The thresholds the text names, as written. */
  readonly named: readonly number[];
  /** The thresholds `whatIf` gives (what is simulated and sent), or undefined without one. */
  readonly sent: readonly number[] | undefined;
}

/** Thresholds named in the action's text that differ from its `whatIf`, one finding per text. */
export function effectMismatch(action: {
  readonly title: string;
  readonly effect?: string | undefined;
  readonly whatIf?: string | undefined;
}): EffectMismatch[] {
  const sent = thresholdsOf(action.whatIf);
  const out: EffectMismatch[] = [];
  for (const field of ['title', 'effect'] as const) {
    const text = action[field];
    if (!text) continue;
    for (const named of namedThresholds(text)) {
      if (sent && sameThresholds(named, sent)) continue;
      out.push({ field, named, sent });
      break;
    }
  }
  return out;
}

/** The values of `threshold=T0[,T1[,T2]]`, as the simulator's what-if reads them. */
function thresholdsOf(whatIf: string | undefined): number[] | undefined {
  const match = /^threshold=([0-9]+(?:,[0-9]+){0,2})$/.exec(whatIf?.trim() ?? '');
  return match ? (match[1] ?? '').split(',').map(Number) : undefined;
}

const CALL = /set_threshold\(\s*([0-9][0-9_]*(?:\s*,\s*[0-9][0-9_]*){0,2})\s*\)/g;
const ASSIGN = /threshold=([0-9]+(?:,[0-9]+){0,2})/g;

function namedThresholds(text: string): number[][] {
  const found: number[][] = [];
  for (const pattern of [CALL, ASSIGN])
    for (const match of text.matchAll(pattern))
      found.push((match[1] ?? '').split(',').map((n) => Number(n.trim().replaceAll('_', ''))));
  return found;
}

/** A text naming fewer values than `whatIf` agrees when the ones it names agree. */
function sameThresholds(named: readonly number[], sent: readonly number[]): boolean {
  return named.every((value, i) => sent[i] === value);
}
