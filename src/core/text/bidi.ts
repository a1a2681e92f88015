/**
 * Unicode bidirectional controls (U+202A–U+202E embeddings and overrides,
 * U+2066–U+2069 isolates): invisible characters that reorder the text around
 * them, so `pay\u202Etnemy` reads as something else on screen. Inputs refuse
 * them; every escape function replaces them with a visible marker.
 */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function hasBidiControl(text: string): boolean {
  return /[\u202A-\u202E\u2066-\u2069]/.test(text);
}

/** Each control as a visible `[U+202E]`, so what is shown is what was written. */
export function neutraliseBidi(text: string): string {
  return text.replace(
    BIDI_CONTROLS,
    (c) => `[U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}]`,
  );
}
