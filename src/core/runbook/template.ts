/**
 * `{{name}}` placeholders in queries, commands and URLs. Only declared inputs
 * may appear; values are validated and escaped by the metrics adapter before
 * substitution, never pasted raw.
 */
export interface Placeholder {
  readonly name: string;
  /** Offset of the opening `{{` in the template. */
  readonly start: number;
  readonly end: number;
}

export interface TemplateProblem {
  readonly offset: number;
  readonly message: string;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const NAME = /^[a-z_][a-z0-9_]{0,39}$/;

/**
 * `strict` (queries, URLs) reports anything between braces that is not a valid
 * input name; commands are shown to people and may carry Go templates such as
 * `{{.State}}`, so there only well-formed names count as placeholders.
 */
export function findPlaceholders(
  template: string,
  strict = true,
): { placeholders: Placeholder[]; problems: TemplateProblem[] } {
  const placeholders: Placeholder[] = [];
  const problems: TemplateProblem[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    const start = match.index ?? 0;
    if (!NAME.test(name)) {
      if (strict)
        problems.push({
          offset: start,
          message: `'{{${name}}}' is not a valid placeholder; write {{input_name}}`,
        });
      continue;
    }
    placeholders.push({ name, start, end: start + match[0].length });
  }
  if (strict) {
    const dangling = template.replace(PLACEHOLDER, (m) => ' '.repeat(m.length)).indexOf('{{');
    if (dangling >= 0) problems.push({ offset: dangling, message: "'{{' is not closed with '}}'" });
  }
  return { placeholders, problems };
}

/**
 * Replaces each placeholder with a sample value and keeps a map from offsets in
 * the result back to offsets in the template, so parse errors point at the
 * author's text.
 */
export function fillSample(
  template: string,
  sample: (name: string) => string,
): { text: string; toSource: (offset: number) => number } {
  const { placeholders } = findPlaceholders(template);
  let text = '';
  const segments: { outStart: number; srcStart: number; length: number; srcEnd: number }[] = [];
  let cursor = 0;
  for (const p of placeholders) {
    text += template.slice(cursor, p.start);
    const value = sample(p.name);
    segments.push({ outStart: text.length, srcStart: p.start, length: value.length, srcEnd: p.end });
    text += value;
    cursor = p.end;
  }
  text += template.slice(cursor);
  const toSource = (offset: number): number => {
    let shift = 0;
    for (const s of segments) {
      if (offset < s.outStart) break;
      if (offset < s.outStart + s.length) return s.srcStart;
      shift = s.srcEnd - (s.outStart + s.length);
    }
    return offset + shift;
  };
  return { text, toSource };
}
