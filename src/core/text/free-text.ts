/**
 * Free text people write into the record (notes) or pin from a thread: the
 * same cleaning inputs get. Control characters other than newline and tab
 * (ESC starts a terminal escape sequence, BEL rings) and Unicode bidi
 * controls (U+202E reverses what follows) never reach the timeline, so
 * `gc-incident show`, the Markdown and the HTML exports show what was written.
 */
import { GcIncidentError } from '../errors.js';
import { hasBidiControl, neutraliseBidi } from './bidi.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is looked for
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is replaced
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Refuses text a person typed that holds control or bidi characters, saying which and where. */
export function checkFreeText(field: string, text: string): void {
  if (CONTROL.test(text))
    throw new GcIncidentError(
      'INPUT_INVALID',
      `${field} contains control characters (such as ESC or BEL); type it without them`,
      { field },
    );
  if (hasBidiControl(text))
    throw new GcIncidentError(
      'INPUT_INVALID',
      `${field} contains Unicode bidi control characters (U+202A–U+202E, U+2066–U+2069); type it without them`,
      { field },
    );
}

/** Someone else's text (a pinned message): kept, with controls as `?` and bidi controls as visible markers. */
export function cleanFreeText(text: string): string {
  return neutraliseBidi(text.replace(CONTROLS, '?'));
}
